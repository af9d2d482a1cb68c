import { LRUCache } from 'lru-cache';
import type { ConversationObserver } from '../chat/observed-broadcaster.js';
import type { Db } from '../db/database.js';
import type { Log } from '../log.js';
import type { Message } from '../protocol/message.js';
import type { WebhookDispatcher } from './dispatcher.js';
import type { WebhookEventName } from './events.js';
import { webhookStore, type NewEvent } from './webhook-store.js';

/** How long the list of subscriptions is trusted; a change through the admin API clears it at once. */
const SUBSCRIPTIONS_TTL_MS = 5_000;

/**
 * Turns what happens into queued webhook deliveries. Sites without webhooks cost nothing
 * but a look at a cached map; the conversation a message belongs to is looked up once.
 */
export class WebhookPublisher {
  #subscriptions: Promise<Map<string, { id: string; events: WebhookEventName[] }[]>> | undefined;
  #readAt = 0;
  readonly #conversations = new LRUCache<string, { siteId: string; visitorId: string }>({ max: 50_000 });

  constructor(
    private readonly db: Db,
    private readonly dispatcher: WebhookDispatcher,
    private readonly log: Log,
  ) {}

  /** Forgets the cached subscriptions (a webhook was added or removed). */
  changed(): void {
    this.#subscriptions = undefined;
  }

  async publish(event: NewEvent): Promise<void> {
    const subscribed = (await this.#subscribed()).get(event.siteId)?.filter((w) => w.events.includes(event.type)) ?? [];
    if (!subscribed.length) return;
    await webhookStore.enqueue(this.db, event, subscribed.map((w) => w.id));
    this.dispatcher.wake();
  }

  /** A stored message's events: conversation.started (its first), message.created, reply.completed / reply.failed. */
  async onStored(message: Message, isReply: boolean): Promise<void> {
    if (!(await this.#subscribed()).size) return;
    const owner = await this.#ownerOf(message.conversation_id);
    if (!owner || !(await this.#subscribed()).has(owner.siteId)) return;
    const base = { siteId: owner.siteId, conversationId: message.conversation_id, visitorId: owner.visitorId };
    const data = { conversation_id: message.conversation_id, visitor_id: owner.visitorId, message };
    if (message.seq === 1) await this.publish({ ...base, type: 'conversation.started', data: { conversation_id: message.conversation_id, visitor_id: owner.visitorId } });
    if (message.sender_type === 'user') await this.publish({ ...base, type: 'message.created', data });
    else if (isReply) await this.publish({ ...base, type: message.status === 'failed' ? 'reply.failed' : 'reply.completed', data });
  }

  async #subscribed() {
    if (!this.#subscriptions || Date.now() - this.#readAt > SUBSCRIPTIONS_TTL_MS) {
      this.#readAt = Date.now();
      this.#subscriptions = webhookStore.subscriptions(this.db);
      this.#subscriptions.catch(() => (this.#subscriptions = undefined));
    }
    return this.#subscriptions;
  }

  async #ownerOf(conversationId: string) {
    const known = this.#conversations.get(conversationId);
    if (known) return known;
    const row = await this.db.selectFrom('conversations').select(['site_id', 'visitor_id']).where('id', '=', conversationId).executeTakeFirst();
    if (!row) return undefined;
    const owner = { siteId: row.site_id, visitorId: row.visitor_id };
    this.#conversations.set(conversationId, owner);
    return owner;
  }

  /** Watches stored messages (observed-broadcaster.ts). */
  observer(): ConversationObserver {
    return {
      stored: (message, reply) => {
        this.onStored(message, reply !== undefined).catch((error: unknown) => this.log.error({ err: error }, 'queueing a webhook failed'));
      },
    };
  }
}
