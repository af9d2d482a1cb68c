import type { Db } from './database.js';
import { storeMessageRow, type NewMessageRow, type StoredRow } from './message-rows.js';
import { MAX_QUEUED_WRITES, tooBusy, type TransactionWork, type Writes } from './writes.js';

interface Pending {
  work: TransactionWork<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Group commit: writes that are waiting when the connection comes free share
 * one transaction, so a busy server pays for one commit per group instead of
 * one per write. Each caller still hears back only after the commit that
 * holds its write (an ack still means "stored"). A write that throws is
 * rolled back with its group, refused alone, and the rest of the group runs
 * again without it; a failed BEGIN or COMMIT fails the whole group. A write
 * must therefore be safe to run again after a rollback (database work only).
 * SQLite's way: one connection, one writer; Postgres runs PooledWrites.
 */
export class GroupCommit implements Writes {
  private queue: Pending[] = [];
  private flushing?: Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly maxGroup = 256,
  ) {}

  storeMessage(row: NewMessageRow): Promise<StoredRow> {
    return this.run((tx) => storeMessageRow(tx, row));
  }

  /** Runs `work` in the next group's transaction; resolves once that has committed. */
  run<T>(work: TransactionWork<T>): Promise<T> {
    if (this.queue.length >= MAX_QUEUED_WRITES) return Promise.reject(tooBusy());
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate runs after this turn's I/O callbacks: the writes they bring join the same group.
      this.flushing ??= new Promise<void>((done) => setImmediate(() => void this.flushAll().finally(done)));
    });
  }

  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushAll(): Promise<void> {
    try {
      while (this.queue.length) await this.commit(this.queue.splice(0, this.maxGroup));
    } finally {
      this.flushing = undefined;
    }
  }

  private async commit(group: Pending[]): Promise<void> {
    while (group.length) {
      let failed: { index: number; error: unknown } | undefined;
      try {
        const results = await this.db.transaction().execute(async (tx) => {
          const out: unknown[] = [];
          for (const [index, pending] of group.entries()) {
            try {
              out.push(await pending.work(tx));
            } catch (error) {
              failed = { index, error };
              throw error;
            }
          }
          return out;
        });
        group.forEach((pending, i) => pending.resolve(results[i]));
        return;
      } catch (error) {
        if (!failed) {
          group.forEach((pending) => pending.reject(error));
          return;
        }
        group[failed.index]!.reject(failed.error);
        group = group.filter((_, i) => i !== failed!.index);
      }
    }
  }
}
