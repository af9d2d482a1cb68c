import type { Kysely } from 'kysely';

/**
 * Runs a migration's steps in one transaction: its own on SQLite (whose
 * migrator runs each migration bare), or the one Kysely's migrator already
 * holds on Postgres (transactional DDL: every pending migration in one), which
 * cannot open another inside it.
 */
export function inTransaction<T>(db: Kysely<any>, work: (tx: Kysely<any>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
