import type SQLite from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs as
 * much as running a short query. Our queries come in a few hundred shapes at
 * most, so their statements are kept and reused; past `max`, the least
 * recently used goes (bounded memory whatever the queries). A shared statement must
 * not be switched to `.pluck()`/`.raw()`, nor run again while one of its
 * `.iterate()` is open: nothing here does either, as Kysely only calls all() and run().
 */
export function cachePreparedStatements(sqlite: SQLite.Database, max = 1000): SQLite.Database {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new LRUCache<string, SQLite.Statement>({ max });
  sqlite.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = prepare(source);
      statements.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
  return sqlite;
}
