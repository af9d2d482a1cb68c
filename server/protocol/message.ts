/** The message shape of the original real-time chat design, kept wire-compatible. */
export type SenderType = 'user' | 'character';

export interface Message {
  /** Sortable id (ULID): lexical order is creation order within a conversation. */
  id: string;
  conversation_id: string;
  sender_type: SenderType;
  content: string;
  /** ISO-8601 timestamp. */
  created_at: string;
  /** Echo of the id the client chose for this send, so it can match its optimistic copy. */
  client_message_id?: string;
}

/** What a visitor's page may know of a character. */
export interface CharacterView {
  slug: string;
  name: string;
  avatarUrl?: string;
  greeting?: string;
}

export interface HistoryPage {
  /** Chronological order, oldest first. */
  messages: Message[];
  /** Pass as `before` to fetch the previous page; null when there is none. */
  nextCursor: string | null;
}

/** Hard limits shared by the widget and the server. */
export const LIMITS = {
  messageMaxChars: 4000,
  historyPageMax: 100,
  historyPageDefault: 30,
} as const;
