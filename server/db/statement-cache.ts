import type SQLite from 'better-sqlite3';

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs as
 * much as running a short query. Our queries come in a few hundred shapes at
 * most, so their statements are kept and reused; the cache starts over if it
 * ever fills (bounded memory whatever the queries). A shared statement must
 * not be switched to `.pluck()`/`.raw()`, nor run again while one of its
 * `.iterate()` is open: nothing here does either, as Kysely only calls all() and run().
 */
export function cachePreparedStatements(sqlite: SQLite.Database, max = 1000): SQLite.Database {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      if (statements.size >= max) statements.clear();
      statement = prepare(source);
      statements.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
  return sqlite;
}
