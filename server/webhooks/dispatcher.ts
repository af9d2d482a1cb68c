import type { Db } from '../db/database.js';
import type { Log } from '../log.js';
import { signatureHeader, SIGNATURE_HEADER } from './signing.js';
import { webhookStore } from './webhook-store.js';

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface DispatchOptions {
  /** How often due deliveries are looked for (an event also wakes the dispatcher at once). */
  pollMs: number;
  /** The first retry's wait; each further one doubles it, up to an hour. */
  retryBaseMs: number;
  /** Attempts before a delivery is given up (`failed`). */
  maxAttempts: number;
  /** How long a receiver may take to answer. */
  timeoutMs: number;
}

export const DEFAULT_DISPATCH: DispatchOptions = { pollMs: 1000, retryBaseMs: 10_000, maxAttempts: 8, timeoutMs: 10_000 };

const BATCH = 20;
const MAX_WAIT_MS = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Sends queued deliveries: signed POSTs, retried with doubling waits until a 2xx or the
 * last attempt. The queue is the database, so a restart loses nothing: a delivery claimed
 * by a process that died is taken again once its hold (the timeout and a margin) runs out.
 */
export class WebhookDispatcher {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(
    private readonly db: Db,
    private readonly fetch: Fetch,
    private readonly log: Log,
    private readonly options: DispatchOptions = DEFAULT_DISPATCH,
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.options.pollMs);
    this.#timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Looks for due deliveries now (or right after the pass under way). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass()
      .catch((error: unknown) => this.log.error({ err: error }, 'webhook dispatch failed'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async #pass(): Promise<void> {
    while (!this.#stopped) {
      const now = Date.now();
      const due = await webhookStore.claimDue(this.db, iso(now), iso(now + this.options.timeoutMs + 30_000), BATCH);
      await Promise.all(due.map((delivery) => this.#send(delivery)));
      if (due.length < BATCH) return;
    }
  }

  async #send(delivery: { id: string; body: string; attempts: number; url: string; secret: string }): Promise<void> {
    let failure: { status: number | null; error: string };
    try {
      const response = await this.fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(delivery.secret, delivery.body), 'user-agent': 'TipsyChat-Webhooks/1' },
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return await webhookStore.delivered(this.db, delivery.id, response.status);
      failure = { status: response.status, error: `answered ${response.status}` };
    } catch (error) {
      failure = { status: null, error: error instanceof Error ? error.message : String(error) };
    }
    const attempt = delivery.attempts + 1;
    const retryAt = attempt < this.options.maxAttempts ? iso(Date.now() + Math.min(MAX_WAIT_MS, this.options.retryBaseMs * 2 ** (attempt - 1))) : null;
    await webhookStore.attemptFailed(this.db, delivery.id, failure, retryAt);
    if (!retryAt) this.log.warn({ deliveryId: delivery.id, attempts: attempt, lastError: failure.error }, 'webhook delivery given up');
  }
}
