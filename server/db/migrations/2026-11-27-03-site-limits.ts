import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // JSON of the limits this site overrides (see server/limits/policy.ts); null = the defaults.
  await db.schema.alterTable('sites').addColumn('limits', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sites').dropColumn('limits').execute();
}
