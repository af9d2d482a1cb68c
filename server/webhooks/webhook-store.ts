import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import type { DeliveryStatus } from '../db/tables.js';
import { notFound } from '../errors.js';
import { newId, nowIso } from '../ids.js';
import type { WebhookBody, WebhookEventName } from './events.js';

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventName[];
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** What one event becomes: a row per subscribed webhook, each delivered and retried on its own. */
export interface NewEvent {
  siteId: string;
  type: WebhookEventName;
  data: Record<string, unknown>;
  conversationId?: string;
  visitorId?: string;
}

const eventsOf = (text: string): WebhookEventName[] => {
  try {
    return JSON.parse(text) as WebhookEventName[];
  } catch {
    return [];
  }
};

/** A site's webhooks and their queue of deliveries, in the database. */
export const webhookStore = {
  async create(db: Db, siteId: string, url: string, events: readonly WebhookEventName[]): Promise<WebhookView & { secret: string }> {
    const row = { id: newId(), site_id: siteId, url, secret: `whsec_${randomBytes(24).toString('base64url')}`, events: JSON.stringify(events), created_at: nowIso() };
    await db.insertInto('webhooks').values(row).execute();
    return { id: row.id, url, events: [...events], createdAt: row.created_at, secret: row.secret };
  },

  async list(db: Db, siteId: string): Promise<WebhookView[]> {
    const rows = await db.selectFrom('webhooks').select(['id', 'url', 'events', 'created_at']).where('site_id', '=', siteId).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, url: r.url, events: eventsOf(r.events), createdAt: r.created_at }));
  },

  async remove(db: Db, siteId: string, id: string): Promise<void> {
    const result = await db.deleteFrom('webhooks').where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('The webhook');
  },

  /** The sites that have any webhook at all, and each one's subscriptions: read once, cached by the queue. */
  async subscriptions(db: Db): Promise<Map<string, { id: string; events: WebhookEventName[] }[]>> {
    const rows = await db.selectFrom('webhooks').select(['id', 'site_id', 'events']).execute();
    const bySite = new Map<string, { id: string; events: WebhookEventName[] }[]>();
    for (const row of rows) bySite.set(row.site_id, [...(bySite.get(row.site_id) ?? []), { id: row.id, events: eventsOf(row.events) }]);
    return bySite;
  },

  /** Queues the event for these webhooks, due now. */
  async enqueue(db: Db, event: NewEvent, webhookIds: readonly string[]): Promise<void> {
    if (!webhookIds.length) return;
    const createdAt = nowIso();
    await db
      .insertInto('webhook_deliveries')
      .values(
        webhookIds.map((webhookId) => {
          const id = newId();
          const body: WebhookBody = { id, type: event.type, created_at: createdAt, site_id: event.siteId, data: event.data };
          return {
            id,
            webhook_id: webhookId,
            site_id: event.siteId,
            event: event.type,
            body: JSON.stringify(body),
            conversation_id: event.conversationId ?? null,
            visitor_id: event.visitorId ?? null,
            status: 'pending' as const,
            next_attempt_at: createdAt,
            created_at: createdAt,
          };
        }),
      )
      .execute();
  },

  /**
   * Takes up to `limit` due deliveries for this process, marking them `sending` until
   * `holdUntil`: another process (or this one after a crash) takes them again after that.
   */
  async claimDue(db: Db, now: string, holdUntil: string, limit: number) {
    return db.transaction().execute(async (tx) => {
      const due = await tx
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
        .select(['d.id', 'd.body', 'd.attempts', 'd.status', 'w.url', 'w.secret'])
        .where((eb) => eb.or([eb('d.status', '=', 'pending'), eb('d.status', '=', 'sending')]))
        .where('d.next_attempt_at', '<=', now)
        .orderBy('d.next_attempt_at')
        .limit(limit)
        .execute();
      if (!due.length) return [];
      // Claimed only if still as read: two processes claiming at once take each row once.
      const claimed = [];
      for (const row of due) {
        const result = await tx
          .updateTable('webhook_deliveries')
          .set({ status: 'sending', next_attempt_at: holdUntil })
          .where('id', '=', row.id)
          .where('status', '=', row.status)
          .where('next_attempt_at', '<=', now)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) > 0) claimed.push(row);
      }
      return claimed;
    });
  },

  async delivered(db: Db, id: string, status: number): Promise<void> {
    await db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ status: 'delivered', attempts: eb('attempts', '+', 1), last_status: status, last_error: null, delivered_at: nowIso() }))
      .where('id', '=', id)
      .execute();
  },

  /** An attempt failed: due again at `retryAt`, or given up (`failed`) when there is none. */
  async attemptFailed(db: Db, id: string, failure: { status: number | null; error: string }, retryAt: string | null): Promise<void> {
    await db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: retryAt ? 'pending' : 'failed',
        attempts: eb('attempts', '+', 1),
        last_status: failure.status,
        last_error: failure.error.slice(0, 500),
        ...(retryAt && { next_attempt_at: retryAt }),
      }))
      .where('id', '=', id)
      .execute();
  },

  async deliveries(db: Db, siteId: string, options: { webhookId?: string; limit: number }): Promise<DeliveryView[]> {
    let query = db.selectFrom('webhook_deliveries').selectAll().where('site_id', '=', siteId);
    if (options.webhookId) query = query.where('webhook_id', '=', options.webhookId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      event: r.event,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === 'pending' || r.status === 'sending' ? r.next_attempt_at : null,
      lastStatus: r.last_status,
      lastError: r.last_error,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
    }));
  },
};
