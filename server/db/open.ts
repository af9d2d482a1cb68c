import type { Log } from '../log.js';
import { startCheckpoints, type Checkpoints } from './checkpoints.js';
import { migrateToLatest, openSqlite, type Db } from './database.js';
import { GroupCommit } from './group-commit.js';
import { PooledWrites } from './pooled-writes.js';
import { openPostgres } from './postgres.js';
import { WorkerWrites } from './worker-writes.js';
import type { Writes } from './writes.js';

/** The part of the configuration that says which database (server/config.ts). */
export interface DatabaseChoice {
  /** postgres://…: Postgres; unset: the SQLite file. */
  databaseUrl?: string;
  databasePool?: number;
  dbFile: string;
  /** Who stores visitors' messages in a SQLite file: `worker` (WorkerWrites, the configured default) or `main` (GroupCommit, also what a caller that says nothing gets); not for `:memory:`. */
  sqliteWriter?: 'main' | 'worker';
}

export interface OpenDatabase {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  /** How writes that must be acked only once stored are run: SQLite's group commit (on the main thread or a writer thread), Postgres's pool. */
  writes(): Writes;
  /**
   * Background upkeep the engine needs from us: SQLite's WAL checkpoints (a file only); nothing on Postgres.
   * Stopping it also ends the writer threads of the writes handed out (after storing what they hold).
   */
  startUpkeep(log: Log): Promise<Checkpoints | undefined>;
}

/** Where a writer thread's death is told when the database was opened without the server's logger. */
const STDERR: Log = {
  error: (details, message) => console.error(message, details),
  warn: (details, message) => console.warn(message, details),
};

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
  // The server starts upkeep with its logger before it asks for writes; a writer thread that dies is logged there.
  let upkeepLog: Log = STDERR;
  const writerThreads: WorkerWrites[] = [];
  const onThread = choice.sqliteWriter === 'worker' && dbFile !== ':memory:';
  return {
    db,
    dialect: 'sqlite',
    writes: () => {
      if (!onThread) return new GroupCommit(db);
      const writes = new WorkerWrites(db, dbFile, () => upkeepLog);
      writerThreads.push(writes);
      return writes;
    },
    startUpkeep: async (log) => {
      upkeepLog = log;
      if (dbFile === ':memory:') return undefined;
      const checkpoints = await startCheckpoints(db, dbFile, log);
      return {
        async stop() {
          await Promise.all(writerThreads.splice(0).map((writes) => writes.close()));
          await checkpoints.stop();
        },
      };
    },
  };
}
