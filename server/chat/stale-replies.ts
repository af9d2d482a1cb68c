import type { Db } from '../db/database.js';
import type { Log } from './replies.js';
import { interruptStaleReplies } from './reply-store.js';

/**
 * Finds replies left `streaming` by a process that died (their text stopped
 * being saved) and marks them interrupted: at start, then every half period.
 */
export class StaleReplySweeper {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly staleAfterMs: number,
    private readonly log: Log,
  ) {}

  async start(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), Math.max(250, this.staleAfterMs / 2)).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    try {
      const count = await interruptStaleReplies(this.db, new Date(Date.now() - this.staleAfterMs));
      if (count) this.log.warn({ count }, 'marked replies of a stopped process as interrupted');
    } catch (error) {
      this.log.error({ err: error }, 'stale reply sweep failed');
    }
  }
}
