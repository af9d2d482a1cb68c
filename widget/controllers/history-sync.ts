import type { Message } from '../../server/protocol/message.js';
import { errorBodyOf } from '../transport/api.js';
import type { VisitorSession } from '../transport/visitor-session.js';
import type { ErrorBody } from '../../server/protocol/errors.js';

const POLL_MS = 3_000;

/** All it needs of the visitor's session: pages of history. */
export type HistorySource = Pick<VisitorSession, 'history'>;

/**
 * Brings the view up to date from history: once after a reconnect (what was
 * missed), and every few seconds while no socket can be had (fallback mode).
 * It asks only for what comes after what the view holds, page by page.
 */
export class HistorySync {
  #pollTimer?: ReturnType<typeof setInterval>;
  #running?: Promise<void>;

  readonly #session: HistorySource;
  /** The `seq` to continue after (see MessageList.catchUpCursor). */
  readonly #cursor: () => number;
  readonly #stored: (message: Message) => void;
  readonly #failed: (error: ErrorBody) => void;

  constructor(session: HistorySource, cursor: () => number, stored: (message: Message) => void, failed: (error: ErrorBody) => void) {
    this.#session = session;
    this.#cursor = cursor;
    this.#stored = stored;
    this.#failed = failed;
  }

  get polling(): boolean {
    return this.#pollTimer !== undefined;
  }

  /** Fetches everything after the cursor; concurrent calls share one run. */
  catchUp(): Promise<void> {
    this.#running ??= this.#fetchAll().finally(() => (this.#running = undefined));
    return this.#running;
  }

  startPolling(): void {
    this.#pollTimer ??= setInterval(() => void this.catchUp(), POLL_MS);
    void this.catchUp();
  }

  stopPolling(): void {
    clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  async #fetchAll(): Promise<void> {
    try {
      let after: string | null = String(this.#cursor());
      while (after !== null) {
        const page = await this.#session.history({ after });
        page.messages.forEach(this.#stored);
        after = page.nextCursor;
      }
    } catch (error) {
      this.#failed(errorBodyOf(error));
    }
  }
}
