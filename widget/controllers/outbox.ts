import type { ErrorBody } from '../../server/protocol/errors.js';
import type { SendAck } from '../../server/protocol/events.js';
import type { Message } from '../../server/protocol/message.js';
import { isTransient } from '../error-kinds.js';
import { backoff } from './backoff.js';

export interface OutboxItem {
  clientMessageId: string;
  content: string;
  createdAt: string;
  /** Where it goes: the conversation it was written in (absent: written before the session said, so the one it opens). */
  conversationId?: string;
}

/** Where the outbox keeps its items between page loads. */
export interface OutboxStore {
  load(): OutboxItem[];
  save(items: OutboxItem[]): void;
}

export interface OutboxHooks {
  stored(message: Message): void;
  /** Refused for good (invalid, not allowed): the item leaves the outbox. */
  rejected(item: OutboxItem, error: ErrorBody): void;
  /** Not sent yet; the outbox tries again by itself after `ms`. */
  waiting(error: ErrorBody, ms: number): void;
}

/**
 * Messages the visitor wrote that the server has not stored yet. Kept in
 * storage (they survive a reload), sent one at a time in the order written
 * (so the server stores them in that order), retried with backoff until each
 * is stored or clearly refused. Retries are safe: each keeps its clientMessageId.
 */
export class Outbox {
  #sending = false;
  #attempt = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  /** A wait the server asked for; reconnecting does not cut it short. */
  #limitedUntil = 0;
  /** Held until the session is up: messages can be queued before that, and go out on wake(). */
  #held = true;
  #stopped = false;

  readonly #store: OutboxStore;
  readonly #send: (item: OutboxItem) => Promise<SendAck>;
  readonly #hooks: OutboxHooks;

  constructor(store: OutboxStore, send: (item: OutboxItem) => Promise<SendAck>, hooks: OutboxHooks) {
    this.#store = store;
    this.#send = send;
    this.#hooks = hooks;
  }

  get items(): OutboxItem[] {
    return this.#store.load();
  }

  add(item: OutboxItem): void {
    this.#store.save([...this.#store.load().filter((i) => i.clientMessageId !== item.clientMessageId), item]);
    this.#pump();
  }

  remove(clientMessageId: string): void {
    this.#store.save(this.#store.load().filter((i) => i.clientMessageId !== clientMessageId));
  }

  /** Tries now rather than after the backoff (the connection is back), unless the server asked to wait. */
  wake(): void {
    this.#held = false;
    if (Date.now() < this.#limitedUntil) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#attempt = 0;
    this.#pump();
  }

  /** For good: a send in flight settles without touching the store or sending more. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #pump(): void {
    if (this.#stopped || this.#held || this.#sending || this.#retryTimer) return;
    const head = this.#store.load()[0];
    if (!head) return;
    this.#sending = true;
    this.#send(head).then(
      (ack) => this.#settle(head, ack),
      () => this.#settle(head, { ok: false, error: { code: 'UNAVAILABLE', message: 'The chat server could not be reached.' } }),
    );
  }

  #settle(item: OutboxItem, ack: SendAck): void {
    this.#sending = false;
    if (this.#stopped) return;
    if (ack.ok) {
      this.#attempt = 0;
      this.remove(item.clientMessageId);
      this.#hooks.stored(ack.message);
    } else if (isTransient(ack.error.code)) {
      const limited = ack.error.code === 'RATE_LIMITED';
      // Unless the server said how long: about half a second, doubled each time up to 15 s, ±25 %.
      const wait = limited ? (ack.error.retryAfterMs ?? 2000) : backoff(this.#attempt++, 500, 15_000, 0.25);
      if (limited) this.#limitedUntil = Date.now() + wait;
      this.#hooks.waiting(ack.error, wait);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.#pump();
      }, wait);
      return;
    } else {
      this.#attempt = 0;
      this.remove(item.clientMessageId);
      this.#hooks.rejected(item, ack.error);
    }
    this.#pump();
  }
}
