import SQLite from 'better-sqlite3';
import { TipsyError } from '../errors.js';

export interface CopyProgress {
  copiedPages: number;
  totalPages: number;
}

export interface SnapshotCopy {
  pages: number;
  /** Messages in the copy (counted in the snapshot copied). */
  messages: number;
}

export interface CopyOptions {
  onProgress?: (progress: CopyProgress) => void;
  /** Run `PRAGMA integrity_check` on the snapshot first, and copy nothing from a damaged file. */
  check?: boolean;
  /**
   * Open the source read-only (the default: a live database is never written). A source that
   * may be written removes the -wal and -shm it made when it closes, leaving its folder as found.
   */
  readonlySource?: boolean;
}

/** Pages copied between two progress reports (4 MB at the default page size): large steps finish sooner. */
const PAGES_PER_STEP = 1024;

function countMessages(db: SQLite.Database, file: string): number {
  try {
    return (db.prepare('select count(*) as n from messages').get() as { n: number }).n;
  } catch (error) {
    if (error instanceof SQLite.SqliteError && /no such table/.test(error.message)) {
      throw new TipsyError('INVALID_INPUT', `${file} is not a Tipsy Chat database (it has no messages table).`);
    }
    throw error;
  }
}

/**
 * Copies a SQLite database, even one a server is writing, to a new file with
 * SQLite's online backup, as one consistent snapshot. The copy runs inside a
 * read transaction on the source: without it, every write a server commits
 * between two steps restarts the copy from the first page, and under steady
 * writes it never ends. The snapshot keeps the WAL from starting over until
 * the copy is done (the server's next checkpoint catches up).
 */
export async function copySqliteSnapshot(source: string, destination: string, options: CopyOptions = {}): Promise<SnapshotCopy> {
  const db = new SQLite(source, { readonly: options.readonlySource ?? true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.exec('begin');
    // The first read fixes the snapshot: the count, the check and the copy all see the same pages.
    const messages = countMessages(db, source);
    if (options.check) {
      const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
      if (problems.join() !== 'ok') {
        throw new TipsyError('INVALID_INPUT', `${source} fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`);
      }
    }
    const done = await db.backup(destination, {
      progress: ({ totalPages, remainingPages }) => {
        options.onProgress?.({ copiedPages: totalPages - remainingPages, totalPages });
        return PAGES_PER_STEP;
      },
    });
    db.exec('commit');
    return { pages: done.totalPages, messages };
  } finally {
    db.close();
  }
}

export interface ReplacementLock {
  release(): void;
}

/**
 * Proves that no other connection has a database open, and keeps it so until
 * released, for a file about to be replaced. Leaving WAL mode needs every other
 * connection closed (a server's, its checkpoint worker's, another tool's):
 * SQLite refuses while one holds the file, whichever process it is in. Leaving
 * it also folds the WAL into the file, so the old file is whole on its own.
 * The exclusive lock then keeps anyone from opening it until the swap is done.
 */
export function lockSqliteForReplacement(file: string): ReplacementLock {
  const db = new SQLite(file, { fileMustExist: true });
  const inUse = () =>
    new TipsyError('UNAVAILABLE', `${file} is open in another process (a running server, or another tool): stop it first.`);
  try {
    db.pragma('busy_timeout = 1000');
    const mode = db.pragma('journal_mode = DELETE', { simple: true });
    if (mode !== 'delete') throw inUse();
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
  } catch (error) {
    db.close();
    if (error instanceof SQLite.SqliteError && error.code.startsWith('SQLITE_BUSY')) throw inUse();
    throw error;
  }
  return { release: () => db.close() };
}
