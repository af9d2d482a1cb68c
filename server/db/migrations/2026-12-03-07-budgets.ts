import type { Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    // JSON BudgetSettings (budgets/budget-settings.ts); null: no budget.
    await tx.schema.alterTable('sites').addColumn('budget', 'text').execute();
    // A site's model usage, a row a day (UTC), added to after every reply.
    await tx.schema
      .createTable('site_usage')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('input_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('output_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('replies', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('site_usage_pk', ['site_id', 'day'])
      .execute();
    // The periods (a day, YYYY-MM-DD, or a month, YYYY-MM) whose limit a site was told it reached: told once.
    await tx.schema
      .createTable('budget_notices')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('period', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('budget_notices_pk', ['site_id', 'period'])
      .execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('budget_notices').execute();
  await db.schema.dropTable('site_usage').execute();
  await db.schema.alterTable('sites').dropColumn('budget').execute();
}
