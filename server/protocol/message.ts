/**
 * The message shape of the original real-time chat design, kept wire-compatible.
 * `agent`: a person answering in the character's place (live takeover), named by `sender_name`.
 */
export type SenderType = 'user' | 'character' | 'agent';

export interface Message {
  /** Unique, sortable id (ULID). */
  id: string;
  conversation_id: string;
  /** 1, 2, 3… in the order messages were stored in this conversation: the order to show them in. */
  seq: number;
  sender_type: SenderType;
  content: string;
  /** ISO-8601 timestamp. */
  created_at: string;
  /** Echo of the id the client chose for this send, so it can match its optimistic copy. */
  client_message_id?: string;
  /** On an `agent` message: the display name of the person who wrote it. */
  sender_name?: string;
  /**
   * Absent for a complete message. `streaming`: a reply still being written (history shows what
   * is said so far); `interrupted`: a reply cut short (a restart, an error), kept as far as it got;
   * `failed`: the character could not answer at all (the content says so, in words for the visitor).
   */
  status?: 'streaming' | 'interrupted' | 'failed';
  /** For a streaming reply: how many stream chunks `content` already holds. */
  chunks?: number;
  /**
   * Present on a character message with more than one version (regenerated replies, a greeting
   * with alternates); absent: one version. `content` and `status` are always the chosen version's.
   */
  swipe?: Swipe;
}

/** Which version of a message is shown, of how many: `index` is 0-based (shown as `index + 1 / count`). */
export interface Swipe {
  index: number;
  count: number;
}

export interface HistoryPage {
  /** Chronological order, oldest first. */
  messages: Message[];
  /**
   * Continues in the same direction: pass it as `before` (for a `before` or latest page) or as
   * `after` (for an `after` page) to get the next page; null when there is no more.
   */
  nextCursor: string | null;
}
