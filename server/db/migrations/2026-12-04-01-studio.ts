import type { Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    // One-time sign-in links to the studio (`tipsy studio link`): only a hash of each is kept.
    await tx.schema
      .createTable('studio_links')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // Signed-in studio sessions, by a hash of the cookie's value: revocable, ending when idle.
    await tx.schema
      .createTable('studio_sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      // The secret key a session was opened with (null: a one-time link): revoking or rotating it ends the session.
      .addColumn('key_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('studio_sessions_site').on('studio_sessions').column('site_id').execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('studio_sessions').execute();
  await db.schema.dropTable('studio_links').execute();
}
