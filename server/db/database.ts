import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, type MigrationProvider } from 'kysely';
import { migrations } from './migrations/index.js';
import { QueuedSqliteDialect } from './sqlite-dialect.js';
import { cachePreparedStatements } from './statement-cache.js';
import type { Database } from './tables.js';

export type Db = Kysely<Database>;

/** The pragmas the server's connection runs with; tools that open the file raw use them too. */
export function applyPragmas(sqlite: SQLite.Database): SQLite.Database {
  if (!sqlite.readonly) sqlite.pragma('journal_mode = WAL');
  // WAL + NORMAL survives a process crash; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows are overwritten with zeros, not left in free space: an erased visitor's words leave the file (privacy/wipe.ts).
  sqlite.pragma('secure_delete = ON');
  // Reads straight from the mapped file instead of copying each page through a read() call.
  sqlite.pragma('mmap_size = 268435456');
  return sqlite;
}

/** Opens the embedded SQLite database in WAL mode, creating its folder when needed. */
export function openSqlite(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = applyPragmas(new SQLite(file));
  return new Kysely<Database>({ dialect: new QueuedSqliteDialect({ database: cachePreparedStatements(sqlite) }) });
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
