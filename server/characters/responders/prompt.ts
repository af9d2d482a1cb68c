import type { CharacterRow } from '../../db/tables.js';
import type { Message } from '../../protocol/message.js';

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export const DEFAULT_CONTEXT_CHARS = 12_000;

/**
 * The chat-completions prompt: the persona and example dialogue as the system
 * message, then as many of the most recent messages as fit `budgetChars`
 * (the message being answered always goes in).
 */
export function buildPrompt(character: CharacterRow, history: readonly Message[], budgetChars = DEFAULT_CONTEXT_CHARS): PromptMessage[] {
  const system = [
    `You are ${character.name}. Stay in character. Answer in plain text, briefly, as in a chat.`,
    character.persona.trim(),
    character.examples.trim() ? `Examples of how you talk:\n${character.examples.trim().replaceAll('{{char}}', character.name)}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');

  const recent: PromptMessage[] = [];
  let used = 0;
  for (const message of [...history].reverse()) {
    if (message.status === 'failed' || !message.content.trim()) continue;
    used += message.content.length;
    if (used > budgetChars && recent.length > 0) break;
    recent.unshift({ role: message.sender_type === 'user' ? 'user' : 'assistant', content: message.content });
  }
  return [{ role: 'system', content: system }, ...recent];
}
