import type { Log } from '../log.js';
import { startCheckpoints, type Checkpoints } from './checkpoints.js';
import { migrateToLatest, openSqlite, type Db } from './database.js';
import { GroupCommit } from './group-commit.js';
import { PooledWrites } from './pooled-writes.js';
import { openPostgres } from './postgres.js';
import type { Writes } from './writes.js';

/** The part of the configuration that says which database (server/config.ts). */
export interface DatabaseChoice {
  /** postgres://…: Postgres; unset: the SQLite file. */
  databaseUrl?: string;
  databasePool?: number;
  dbFile: string;
}

export interface OpenDatabase {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  /** How writes that must be acked only once stored are run: SQLite's group commit, Postgres's pool. */
  writes(): Writes;
  /** Background upkeep the engine needs from us: SQLite's WAL checkpoints (a file only); nothing on Postgres. */
  startUpkeep(log: Log): Promise<Checkpoints | undefined>;
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(choice: DatabaseChoice): Promise<OpenDatabase> {
  const { databaseUrl, dbFile } = choice;
  const db = databaseUrl ? openPostgres(databaseUrl, choice.databasePool ?? 10) : openSqlite(dbFile);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  if (databaseUrl) {
    return { db, dialect: 'postgres', writes: () => new PooledWrites(db), startUpkeep: async () => undefined };
  }
  return {
    db,
    dialect: 'sqlite',
    writes: () => new GroupCommit(db),
    startUpkeep: async (log) => (dbFile === ':memory:' ? undefined : startCheckpoints(db, dbFile, log)),
  };
}
