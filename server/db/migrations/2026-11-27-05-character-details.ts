import type { Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one (inTransaction only made it run on Postgres too).
// One transaction: a crash half-way leaves the schema as it was, not half-changed.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.schema.alterTable('characters').addColumn('examples', 'text', (c) => c.notNull().defaultTo('')).execute();
    await tx.schema.alterTable('characters').addColumn('accent', 'text').execute();
    // JSON responder settings (server/characters/responders/settings.ts); null = the site's.
    await tx.schema.alterTable('characters').addColumn('responder', 'text').execute();
    // 'site' (defined by the owner) or 'page' (defined by a page's attributes, when the site allows).
    await tx.schema.alterTable('characters').addColumn('origin', 'text', (c) => c.notNull().defaultTo('site')).execute();
    await tx.schema.alterTable('sites').addColumn('responder', 'text').execute();
    await tx.schema.alterTable('sites').addColumn('allow_page_characters', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['origin', 'responder', 'accent', 'examples']) await db.schema.alterTable('characters').dropColumn(column).execute();
  for (const column of ['allow_page_characters', 'responder']) await db.schema.alterTable('sites').dropColumn(column).execute();
}
