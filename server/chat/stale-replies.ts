import type { Db } from '../db/database.js';
import type { ConversationBroadcaster } from './broadcaster.js';
import type { Log } from '../log.js';
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
    private readonly broadcaster: ConversationBroadcaster,
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
      const swept = await interruptStaleReplies(this.db, new Date(Date.now() - this.staleAfterMs));
      // Anyone still watching those conversations gets the reply as it ended, and no more typing.
      for (const message of swept) {
        this.broadcaster.typing({ conversation_id: message.conversation_id, sender_type: 'character', typing: false });
        this.broadcaster.message(message);
      }
      if (swept.length) this.log.warn({ count: swept.length }, 'marked replies of a stopped process as interrupted');
    } catch (error) {
      this.log.error({ err: error }, 'stale reply sweep failed');
    }
  }
}
