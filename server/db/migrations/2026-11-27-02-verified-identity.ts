import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one (inTransaction only made it run on Postgres too).
// One transaction: a crash half-way leaves the schema as it was, not half-changed.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, (tx) => apply(tx));
}

async function apply(db: Kysely<any>): Promise<void> {
  // Each site's secret for user-hash HMACs; existing sites get one here (portable: no SQL functions).
  await db.schema.alterTable('sites').addColumn('identity_secret', 'text').execute();
  for (const site of await db.selectFrom('sites').select('id').execute()) {
    await db.updateTable('sites').set({ identity_secret: randomBytes(32).toString('hex') }).where('id', '=', site.id).execute();
  }
  // Secret keys are kept hashed; the hint (last characters) lets an operator tell them apart.
  await db.schema.alterTable('site_keys').addColumn('hint', 'text').execute();

  await db.schema.alterTable('visitors').addColumn('external_user_id', 'text').execute();
  await db.schema.alterTable('visitors').addColumn('display_name', 'text').execute();
  // One visitor per verified user and site, even under concurrent first sessions.
  await db.schema
    .createIndex('visitors_site_external_user')
    .on('visitors')
    .columns(['site_id', 'external_user_id'])
    .unique()
    .execute();
  await db.schema.createIndex('conversations_site_id').on('conversations').columns(['site_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversations_site_id').execute();
  await db.schema.dropIndex('visitors_site_external_user').execute();
  await db.schema.alterTable('visitors').dropColumn('display_name').execute();
  await db.schema.alterTable('visitors').dropColumn('external_user_id').execute();
  await db.schema.alterTable('site_keys').dropColumn('hint').execute();
  await db.schema.alterTable('sites').dropColumn('identity_secret').execute();
}
