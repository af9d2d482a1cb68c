import type { Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    // Requests refused with RATE_LIMITED, per site and UTC day: the studio's usage charts (admin/refusal-tally.ts).
    await tx.schema
      .createTable('daily_refusals')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('refusals', 'bigint', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('daily_refusals_pk', ['site_id', 'day'])
      .execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('daily_refusals').execute();
}
