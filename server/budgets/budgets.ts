import { LRUCache } from 'lru-cache';
import type { Db } from '../db/database.js';
import { limitReached, parseBudget, spendOf, type BudgetSettings, type Usage } from './budget-settings.js';

/** How long a site's usage is trusted before it is read again (a reply on this process refreshes it at once). */
const FRESH_MS = 2_000;

export interface SiteUsage {
  budget: BudgetSettings | null;
  today: Usage;
  month: Usage;
  /** Which limit stops replies now, if one does. */
  reached: 'day' | 'month' | null;
}

const day = (at: Date) => at.toISOString().slice(0, 10);
const monthStart = (at: Date) => `${at.toISOString().slice(0, 7)}-01`;
const asNumber = (value: number | string | null | undefined) => Number(value ?? 0);

/**
 * Sites' model budgets: what their replies used, a row a day, and whether a limit stops
 * the next reply. Checked before every reply from a short cache; with several processes,
 * a site can go over by the replies running at the moment it reaches its limit.
 */
export class Budgets {
  readonly #cache = new LRUCache<string, { at: number; usage: Promise<SiteUsage> }>({ max: 10_000 });
  /** The periods a site was already told it reached (`siteId:day` or `siteId:month`): told once each. */
  readonly #told = new LRUCache<string, true>({ max: 10_000 });

  constructor(
    private readonly db: Db,
    /** Called once per site and period when a limit is reached. */
    private readonly onReached: (siteId: string, period: 'day' | 'month', usage: SiteUsage) => void = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Which limit stops the site's next reply, if one does. */
  async reached(siteId: string): Promise<'day' | 'month' | null> {
    return (await this.usage(siteId)).reached;
  }

  /** Adds a reply's tokens to today's row. */
  async record(siteId: string, used: { inputTokens: number; outputTokens: number }): Promise<void> {
    const today = day(this.now());
    await this.db
      .insertInto('site_usage')
      .values({ site_id: siteId, day: today, input_tokens: used.inputTokens, output_tokens: used.outputTokens, replies: 1 })
      .onConflict((oc) =>
        oc.columns(['site_id', 'day']).doUpdateSet((eb) => ({
          input_tokens: eb('site_usage.input_tokens', '+', eb.ref('excluded.input_tokens')),
          output_tokens: eb('site_usage.output_tokens', '+', eb.ref('excluded.output_tokens')),
          replies: eb('site_usage.replies', '+', 1),
        })),
      )
      .execute();
    this.#cache.delete(siteId);
    const usage = await this.usage(siteId);
    if (usage.reached) {
      const key = `${siteId}:${usage.reached === 'day' ? today : today.slice(0, 7)}`;
      if (!this.#told.has(key)) {
        this.#told.set(key, true);
        this.onReached(siteId, usage.reached, usage);
      }
    }
  }

  /** The site's budget, what it used today and this month (UTC), and which limit it has reached. */
  usage(siteId: string): Promise<SiteUsage> {
    const cached = this.#cache.get(siteId);
    if (cached && Date.now() - cached.at < FRESH_MS) return cached.usage;
    const usage = this.#read(siteId);
    this.#cache.set(siteId, { at: Date.now(), usage });
    usage.catch(() => this.#cache.delete(siteId));
    return usage;
  }

  /** A site owner changed the budget: read it afresh. */
  forget(siteId: string): void {
    this.#cache.delete(siteId);
  }

  async #read(siteId: string): Promise<SiteUsage> {
    const now = this.now();
    const [site, rows] = await Promise.all([
      this.db.selectFrom('sites').select('budget').where('id', '=', siteId).executeTakeFirst(),
      this.db
        .selectFrom('site_usage')
        .select(['day', 'input_tokens', 'output_tokens', 'replies'])
        .where('site_id', '=', siteId)
        .where('day', '>=', monthStart(now))
        .execute(),
    ]);
    const budget = parseBudget(site?.budget ?? null);
    const total = (which: typeof rows): Usage => {
      const inputTokens = which.reduce((n, r) => n + asNumber(r.input_tokens), 0);
      const outputTokens = which.reduce((n, r) => n + asNumber(r.output_tokens), 0);
      const replies = which.reduce((n, r) => n + asNumber(r.replies), 0);
      return { inputTokens, outputTokens, replies, spend: spendOf({ inputTokens, outputTokens }, budget) };
    };
    const today = total(rows.filter((r) => r.day === day(now)));
    const month = total(rows);
    return { budget, today, month, reached: limitReached(budget, today, month) };
  }
}
