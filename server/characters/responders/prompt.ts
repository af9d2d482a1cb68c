import type { CharacterRow } from '../../db/tables.js';
import type { Message } from '../../protocol/message.js';
import { characterBookOf } from '../character-extras.js';
import { CHARS_PER_TOKEN, scanLorebook, type InsertedEntry } from '../lorebook.js';
import { resolveMacros, type MacroContext } from '../macros.js';

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export const DEFAULT_CONTEXT_CHARS = 12_000;
/** Without a `token_budget` in the book, its entries may take this share of the context. */
const LORE_SHARE_OF_CONTEXT = 0.25;

/**
 * The chat-completions prompt. The system message holds, in order: who the
 * character is, the lorebook entries placed `before_char`, the persona, the
 * entries placed `after_char`, and the example dialogue; macros resolved in
 * all of them. Then come as many of the most recent messages as fit
 * `budgetChars` (the message being answered always goes in).
 */
export function buildPrompt(
  character: CharacterRow,
  history: readonly Message[],
  budgetChars = DEFAULT_CONTEXT_CHARS,
  userName?: string | null,
): PromptMessage[] {
  const said = history.filter((message) => message.status !== 'failed' && message.content.trim());
  const macros: MacroContext = { char: character.name, user: userName };
  const lore = lorebookEntries(character, said, macros, budgetChars);
  const block = (position: InsertedEntry['position']) =>
    lore
      .filter((entry) => entry.position === position)
      .map((entry) => entry.content.trim())
      .filter(Boolean)
      .join('\n');
  const examples = resolveMacros(character.examples, macros).trim();
  const system = [
    `You are ${character.name}. Stay in character. Answer in plain text, briefly, as in a chat.`,
    block('before_char'),
    resolveMacros(character.persona, macros).trim(),
    block('after_char'),
    examples ? `Examples of how you talk:\n${examples}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');

  const recent: PromptMessage[] = [];
  let used = 0;
  for (const message of [...said].reverse()) {
    used += message.content.length;
    if (used > budgetChars && recent.length > 0) break;
    // A person's messages (live takeover) read as the assistant's side: the character goes on from what they said.
    recent.unshift({ role: message.sender_type === 'user' ? 'user' : 'assistant', content: message.content });
  }
  return [{ role: 'system', content: system }, ...recent];
}

/** The triggered lorebook entries, within the book's budget (else a share of the context), in insertion order. */
function lorebookEntries(character: CharacterRow, said: readonly Message[], macros: MacroContext, budgetChars: number): InsertedEntry[] {
  const book = characterBookOf(character);
  if (!book?.entries.length) return [];
  return scanLorebook({
    book,
    messages: said.map((message) => message.content),
    macros,
    defaultTokenBudget: Math.floor((budgetChars * LORE_SHARE_OF_CONTEXT) / CHARS_PER_TOKEN),
  });
}
