import type { Db } from './database.js';
import type { NewMessageRow, StoredRow } from './message-rows.js';
import { storePostgresMessage } from './postgres-message-writes.js';
import { MAX_QUEUED_WRITES, tooBusy, type Writes } from './writes.js';

/**
 * Postgres's answer to the group commit: each message is one statement, its
 * own transaction, on a connection from the pool. Postgres already flushes the
 * commits that reach it together with one WAL write, so concurrent writes
 * share their fsync without sharing a transaction. Grouping them here too
 * would hold the row locks of many conversations for the whole group, and two
 * processes locking the same conversations in another order would deadlock;
 * a failed statement would also abort the whole group. Writes wait for a
 * connection in the pool's queue, bounded here like the group commit's.
 */
export class PooledWrites implements Writes {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly db: Db) {}

  storeMessage(row: NewMessageRow): Promise<StoredRow> {
    if (this.inFlight.size >= MAX_QUEUED_WRITES) return Promise.reject(tooBusy());
    const write = storePostgresMessage(this.db, row);
    const tracked = write.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return write;
  }

  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all(this.inFlight);
  }
}
