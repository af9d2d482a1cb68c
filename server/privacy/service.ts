import type { Db } from '../db/database.js';
import type { Log } from '../log.js';
import { eraseConversation, type Erased } from './erasure.js';
import { RetentionSweeper } from './retention.js';
import { wipeErasedPages } from './wipe.js';

type InfoLog = Log & { info(details: object, message: string): void };

export interface PrivacyDeps {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  log: InfoLog;
  /** How often conversations past their site's retention are deleted. */
  retentionSweepMs: number;
}

/**
 * Forgetting visitors: a visitor's own conversation on request, conversations past their
 * site's retention on a schedule, and the bytes any erasure leaves behind (wipe.ts; the
 * site owner's erasure of a visitor, AdminService.eraseVisitor, wipes through here too).
 */
export class PrivacyService {
  readonly #retention: RetentionSweeper;

  constructor(private readonly deps: PrivacyDeps) {
    this.#retention = new RetentionSweeper(deps.db, deps.log, { intervalMs: deps.retentionSweepMs, afterRemoval: () => this.wipe() });
  }

  start(): void {
    this.#retention.start();
  }

  stop(): Promise<void> {
    return this.#retention.stop();
  }

  /** A visitor's own conversation, at their request ("Delete this chat"). */
  async eraseOwnConversation(visitor: { visitorId: string; siteId: string }, conversationId: string): Promise<Erased & { wiped: boolean }> {
    const erased = await eraseConversation(this.deps.db, visitor, conversationId);
    const wiped = await this.wipe();
    this.deps.log.info({ siteId: visitor.siteId, visitorId: visitor.visitorId, ...erased, wiped }, 'conversation erased by its visitor');
    return { ...erased, wiped };
  }

  /** Runs the retention sweep now (as of `now`), instead of waiting for its schedule. */
  sweepRetention(now?: Date) {
    return this.#retention.sweepNow(now);
  }

  /** Removes what erased rows leave behind in the database's files; false when it could not yet. */
  async wipe(): Promise<boolean> {
    const wiped = await wipeErasedPages(this.deps.db, this.deps.dialect);
    if (!wiped) this.deps.log.warn({}, 'erased rows are zeroed, but the write-ahead log still holds their old pages: it empties at the next checkpoint');
    return wiped;
  }
}
