import type { HistoryInput } from '../../server/chat/inputs.js';

/** Which history page a benchmark asks for: the newest, or a full page from the middle of the conversation. */
export type PageMode = 'latest' | 'deep';


/** `deep`: before a random seq from limit+2 on (so the page is full and has a next cursor), within the first three quarters. */
export function pageInput(conversationId: string, mode: PageMode, limit: number, perConversation: number): HistoryInput {
  if (mode === 'latest') return { conversationId, limit };
  const span = Math.max(1, Math.min(Math.floor(perConversation / 4), perConversation - limit - 1));
  return { conversationId, limit, before: String(limit + 2 + Math.floor(Math.random() * span)) };
}
