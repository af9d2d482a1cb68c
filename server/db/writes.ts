import type { Transaction } from 'kysely';
import { TipsyError } from '../errors.js';
import type { Database } from './tables.js';

export type TransactionWork<T> = (tx: Transaction<Database>) => Promise<T>;

/** Where a write runs: in a transaction that has committed by the time its promise resolves. */
export interface Writes {
  run<T>(work: TransactionWork<T>): Promise<T>;
  /** Resolves once every write accepted so far has been committed or refused. */
  drain(): Promise<void>;
}

/** Writes waiting beyond this are refused (the server is far behind), so memory stays bounded. */
export const MAX_QUEUED_WRITES = 20_000;

export function tooBusy(): TipsyError {
  return new TipsyError('UNAVAILABLE', 'The chat server is very busy. Your message will be sent in a moment.', { retryAfterMs: 1000 });
}
