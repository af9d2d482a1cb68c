import { z } from 'zod';
import { parseStoredJson } from '../db/stored-json.js';

/**
 * A site's model budget: tokens a day and a month, and, with prices per million tokens,
 * a spend a day and a month (in whatever currency the prices are in). Unset: no limit.
 */
export const BudgetSettings = z
  .object({
    dailyTokens: z.number().int().min(0).max(1e12).optional(),
    monthlyTokens: z.number().int().min(0).max(1e13).optional(),
    dailySpend: z.number().min(0).max(1e9).optional(),
    monthlySpend: z.number().min(0).max(1e10).optional(),
    inputPricePerMillion: z.number().min(0).max(1e6).optional(),
    outputPricePerMillion: z.number().min(0).max(1e6).optional(),
  })
  .refine(
    (b) => (b.dailySpend === undefined && b.monthlySpend === undefined) || b.inputPricePerMillion !== undefined || b.outputPricePerMillion !== undefined,
    'A spend limit needs a price: set inputPricePerMillion and/or outputPricePerMillion.',
  );
export type BudgetSettings = z.infer<typeof BudgetSettings>;

export const parseBudget = (stored: string | null): BudgetSettings | null => parseStoredJson(BudgetSettings, stored) ?? null;

/** What a site's model replies used: tokens in (prompts) and out (replies), their cost at its prices, and replies counted. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  replies: number;
  /** At the site's prices; 0 without prices. */
  spend: number;
}

export const spendOf = (usage: Pick<Usage, 'inputTokens' | 'outputTokens'>, budget: BudgetSettings | null): number =>
  ((usage.inputTokens * (budget?.inputPricePerMillion ?? 0)) + usage.outputTokens * (budget?.outputPricePerMillion ?? 0)) / 1e6;

/** Which limit a usage has reached, if any: the day's first, then the month's. */
export function limitReached(budget: BudgetSettings | null, today: Usage, month: Usage): 'day' | 'month' | null {
  if (!budget) return null;
  const tokens = (u: Usage) => u.inputTokens + u.outputTokens;
  if ((budget.dailyTokens !== undefined && tokens(today) >= budget.dailyTokens) || (budget.dailySpend !== undefined && today.spend >= budget.dailySpend)) return 'day';
  if ((budget.monthlyTokens !== undefined && tokens(month) >= budget.monthlyTokens) || (budget.monthlySpend !== undefined && month.spend >= budget.monthlySpend)) return 'month';
  return null;
}

/** Tokens in texts when the endpoint does not say: about four characters a token (English; more for others). */
export const estimateTokens = (...texts: readonly string[]): number => Math.ceil(texts.reduce((n, text) => n + text.length, 0) / 4);

/** A reply's tokens when its endpoint does not say: its prompt's main parts (persona, examples, the messages sent) and its words. */
export function estimateReplyUsage(character: { persona: string; examples: string }, messages: readonly string[], reply: string): { inputTokens: number; outputTokens: number } {
  return { inputTokens: estimateTokens(character.persona, character.examples, ...messages), outputTokens: estimateTokens(reply) };
}
