import type { Transaction } from 'kysely';
import { TipsyError } from '../errors.js';
import type { NewMessageRow, StoredRow } from './message-rows.js';
import type { Database } from './tables.js';

export type TransactionWork<T> = (tx: Transaction<Database>) => Promise<T>;

/** How a visitor's message is stored, acked only once committed: SQLite's group commit, or Postgres's one call per message. */
export interface Writes {
  /**
   * Stores the row at its conversation's next `seq`, or returns the copy already
   * stored under its clientMessageId (`created: false`) and writes nothing.
   * Resolves once committed; throws ConversationGone when the conversation is no more.
   */
  storeMessage(row: NewMessageRow): Promise<StoredRow>;
  /** Resolves once every write accepted so far has been committed or refused. */
  drain(): Promise<void>;
}

/** Writes waiting beyond this are refused (the server is far behind), so memory stays bounded. */
export const MAX_QUEUED_WRITES = 20_000;

export function tooBusy(): TipsyError {
  return new TipsyError('UNAVAILABLE', 'The chat server is very busy. Your message will be sent in a moment.', { retryAfterMs: 1000 });
}
