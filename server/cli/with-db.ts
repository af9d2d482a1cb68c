import { loadConfig } from '../config.js';
import { migrateToLatest, openSqlite, type Db } from '../db/database.js';

export type WithDb = <T>(work: (db: Db) => Promise<T>) => Promise<T>;

/** Opens the configured database (migrated), runs the work, and closes it. */
export const withDb: WithDb = async (work) => {
  const db = openSqlite(loadConfig().dbFile);
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
  }
};
