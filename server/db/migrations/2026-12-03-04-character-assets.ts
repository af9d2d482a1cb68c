import { PostgresAdapter, type Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one.
// A character's avatar taken from its card (an icon asset, or the card's PNG), served by the chat server
// (http/avatars.ts) at a path named by the image's digest. At most one per character; it goes with the character.
export async function up(db: Kysely<any>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await inTransaction(db, async (tx) => {
    await tx.schema
      .createTable('character_avatars')
      .addColumn('character_id', 'text', (c) => c.primaryKey().references('characters.id').onDelete('cascade'))
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      // `<sha256 hex>.<png|jpg|webp|gif>`: the last part of the path it is served at.
      .addColumn('file', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('bytes', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('character_avatars_by_file').on('character_avatars').columns(['site_id', 'file']).execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('character_avatars').execute();
}
