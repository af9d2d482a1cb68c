import type { Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    // Days a conversation is kept after its last message; null: kept until erased.
    await tx.schema.alterTable('sites').addColumn('retention_days', 'integer').execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sites').dropColumn('retention_days').execute();
}
