import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './tables.js';

const INT8 = 20;

/**
 * This pool's type parsers: `bigint` (what COUNT(*) and row_number() return)
 * comes back as a number, as SQLite gives it and the code expects; counts never
 * near 2^53. Per pool rather than pg's global table, so nothing else in the
 * process is changed. Timestamps are text columns on both dialects, so they
 * come back as the ISO strings they were written as, never as `Date`.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Opens a pool of `max` connections to the Postgres at `url` (nothing connects until the first query). */
export function openPostgres(url: string, max: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max, types });
  // An idle connection the server drops (a restart, a failover) must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
