import { sql } from 'kysely';
import type { Db } from '../db/database.js';

const ATTEMPTS = 20;
const PAUSE_MS = 100;

/**
 * After an erasure on SQLite: the file's copies are already zeros (secure_delete), but the
 * write-ahead log still holds the pages as they were before; a TRUNCATE checkpoint copies
 * the new pages in and empties it. A reader in the middle of a query can hold it up: tried
 * again for up to 2 s. Resolves to whether the log was emptied. Postgres keeps deleted rows
 * until VACUUM reclaims them (docs/operations.md).
 */
export async function wipeErasedPages(db: Db, dialect: 'sqlite' | 'postgres'): Promise<boolean> {
  if (dialect !== 'sqlite') return true;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    if (rows[0]?.busy === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  return false;
}
