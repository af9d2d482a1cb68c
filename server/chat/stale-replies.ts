import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { ConversationBroadcaster } from './broadcaster.js';
import type { Log } from '../log.js';
import { interruptStaleReplies } from './reply-store.js';
import { dropEmptyVersion } from './message-versions.js';

/**
 * Finds replies left `streaming` by a process that died (their text stopped
 * being saved) and marks them interrupted. Every running process sweeps (the
 * update takes each row once, whoever runs it): at start, then at the moment
 * the oldest streaming reply would turn stale, and at least every half period,
 * so a reply is closed within the stale period of its process dying.
 */
export class StaleReplySweeper {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly staleAfterMs: number,
    private readonly broadcaster: ConversationBroadcaster,
    private readonly log: Log,
  ) {}

  private stopped = false;

  async start(): Promise<void> {
    await this.sweep();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The next sweep: when the oldest reply still streaming would turn stale, or half a period from now. */
  private async schedule(): Promise<void> {
    const oldest = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.min('updated_at').as('saved'))
      // A literal, as in interruptStaleReplies: the partial index on streaming replies answers it.
      .where('status', '=', sql.lit('streaming'))
      .executeTakeFirst()
      .catch(() => undefined);
    const dueIn = oldest?.saved ? new Date(oldest.saved).getTime() + this.staleAfterMs - Date.now() + 1 : Infinity;
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.sweep(), Math.max(50, Math.min(dueIn, this.staleAfterMs / 2))).unref();
  }

  private async sweep(): Promise<void> {
    try {
      const swept = await interruptStaleReplies(this.db, new Date(Date.now() - this.staleAfterMs));
      // Anyone still watching those conversations gets the reply as it ended, and no more typing.
      for (const message of swept) {
        this.broadcaster.typing({ conversation_id: message.conversation_id, sender_type: 'character', typing: false });
        // A new version of a message that never said a word is dropped: the message shows an earlier one again.
        const shown = message.swipe && !message.content.trim() ? ((await dropEmptyVersion(this.db, message)) ?? message) : message;
        this.broadcaster.message(shown);
      }
      if (swept.length) this.log.warn({ count: swept.length }, 'marked replies of a stopped process as interrupted');
    } catch (error) {
      this.log.error({ err: error }, 'stale reply sweep failed');
    }
    await this.schedule();
  }
}
