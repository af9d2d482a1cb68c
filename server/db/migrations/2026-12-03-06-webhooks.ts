import type { Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('url', 'text', (c) => c.notNull())
      // Signs deliveries (HMAC-SHA256); shown once, when the webhook is created.
      .addColumn('secret', 'text', (c) => c.notNull())
      // JSON array of event names.
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('webhooks_site').on('webhooks').column('site_id').execute();
    // The durable queue: a delivery is a row until it is delivered or given up, whatever restarts meanwhile.
    await tx.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      // Erasing the conversation or the visitor takes their queued deliveries with them.
      .addColumn('conversation_id', 'text', (c) => c.references('conversations.id').onDelete('cascade'))
      .addColumn('visitor_id', 'text', (c) => c.references('visitors.id').onDelete('cascade'))
      // pending → sending (claimed by a process until locked_until) → delivered | failed
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .execute();
    await tx.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
    await tx.schema.createIndex('webhook_deliveries_webhook').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhooks').execute();
}
