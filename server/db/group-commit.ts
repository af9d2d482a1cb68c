import type { Transaction } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './tables.js';

export type TransactionWork<T> = (tx: Transaction<Database>) => Promise<T>;

interface Pending {
  work: TransactionWork<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Group commit: writes that arrive in the same turn of the event loop share
 * one transaction, so a busy server pays for one commit per turn instead of
 * one per write. Each caller still hears back only after the commit that
 * holds its write (an ack still means "stored"). If any write in a group
 * fails, the group is rolled back and each write runs again alone, so one
 * bad write fails only itself. A write must therefore be safe to run again
 * after a rollback (plain database work, no side effects outside the transaction).
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly maxGroup = 256,
  ) {}

  run<T>(work: TransactionWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the I/O of this turn: every write it brought is queued by then.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const group = this.queue.splice(0, this.maxGroup);
    try {
      const results = await this.db.transaction().execute(async (tx) => {
        const out: unknown[] = [];
        for (const pending of group) out.push(await pending.work(tx));
        return out;
      });
      group.forEach((pending, i) => pending.resolve(results[i]));
    } catch {
      for (const pending of group) await this.db.transaction().execute(pending.work).then(pending.resolve, pending.reject);
    } finally {
      this.scheduled = false;
      if (this.queue.length) this.schedule();
    }
  }
}
