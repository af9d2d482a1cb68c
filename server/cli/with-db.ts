import { loadConfig } from '../config.js';
import type { Db } from '../db/database.js';
import { openDatabase } from '../db/open.js';

export type WithDb = <T>(work: (db: Db) => Promise<T>) => Promise<T>;

/** Opens the configured database (migrated), runs the work, and closes it. */
export const withDb: WithDb = async (work) => {
  const { db } = await openDatabase(loadConfig());
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
};
