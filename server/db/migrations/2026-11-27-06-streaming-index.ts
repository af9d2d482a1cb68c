import { sql, type Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one (inTransaction only made it run on Postgres too).
// Only replies being written are ever looked up by status, and they are a handful:
// a partial index keeps every other message out of it, one index write less per message stored.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.schema.dropIndex('messages_streaming').execute();
    await sql`create index messages_streaming on messages (updated_at) where status = 'streaming'`.execute(tx);
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.schema.dropIndex('messages_streaming').execute();
    await tx.schema.createIndex('messages_streaming').on('messages').columns(['status', 'updated_at']).execute();
  });
}
