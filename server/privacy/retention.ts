import type { Db } from '../db/database.js';
import type { Log } from '../log.js';
import { countConversations } from './erasure.js';

/** At most this many conversations go in one transaction: a large backlog never holds the database for long. */
const BATCH = 500;

export interface RetentionOptions {
  /** How often the sweep runs. */
  intervalMs: number;
  /** Called after a sweep removed anything (to wipe the erased pages). */
  afterRemoval?: () => Promise<unknown>;
}

/**
 * Deletes, for each site that keeps conversations for N days, those whose last message
 * (or, with none, whose start) is older than that. Every process may run it: a deletion
 * is the same whoever makes it.
 */
export class RetentionSweeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: Log & { info(details: object, message: string): void },
    private readonly options: RetentionOptions,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.sweepNow(), this.options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One sweep over every site with a retention period, as of `now`; resolves to what it removed. */
  sweepNow(now = new Date()): Promise<{ conversations: number; messages: number }> {
    const sweep = (this.#running ?? Promise.resolve()).then(() => this.#sweep(now.getTime()));
    this.#running = sweep.catch((error: unknown) => this.log.error({ err: error }, 'retention sweep failed'));
    return sweep;
  }

  async #sweep(now: number): Promise<{ conversations: number; messages: number }> {
    const sites = await this.db.selectFrom('sites').select(['id', 'retention_days']).where('retention_days', 'is not', null).execute();
    const removed = { conversations: 0, messages: 0 };
    for (const site of sites) {
      const cutoff = new Date(now - site.retention_days! * 86_400_000).toISOString();
      while (true) {
        const batch = await this.db.transaction().execute(async (tx) => {
          const stale = await tx
            .selectFrom('conversations as c')
            .select('c.id')
            .where('c.site_id', '=', site.id)
            .where('c.created_at', '<', cutoff)
            .where((eb) => eb.not(eb.exists(eb.selectFrom('messages as m').select('m.id').whereRef('m.conversation_id', '=', 'c.id').where('m.created_at', '>=', cutoff))))
            .limit(BATCH)
            .execute();
          const ids = stale.map((c) => c.id);
          if (!ids.length) return { conversations: 0, messages: 0 };
          const counts = await countConversations(tx, (eb) => eb.and([eb('id', 'in', ids)]));
          await tx.deleteFrom('conversations').where('id', 'in', ids).execute();
          return counts;
        });
        removed.conversations += batch.conversations;
        removed.messages += batch.messages;
        if (batch.conversations < BATCH) break;
      }
    }
    if (removed.conversations) {
      this.log.info(removed, 'retention sweep removed old conversations');
      await this.options.afterRemoval?.();
    }
    return removed;
  }
}
