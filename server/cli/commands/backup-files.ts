import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../../config.js';
import { TipsyError } from '../../errors.js';

/** What SQLite may keep beside a database file. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/** The configured SQLite file, as an absolute path; an in-memory database has nothing to copy. */
export function sqliteDatabasePath(config: Config): string {
  if (config.dbFile === ':memory:') throw new TipsyError('INVALID_INPUT', 'TIPSY_DB is :memory:: there is no database file.');
  return resolve(config.dbFile);
}

/** The real path of a file that may not exist yet (its folder must). */
function realPathOf(file: string): string {
  const dir = dirname(resolve(file));
  if (!existsSync(dir)) throw new TipsyError('NOT_FOUND', `The folder ${dir} does not exist.`);
  return existsSync(file) ? realpathSync(file) : join(realpathSync(dir), basename(file));
}

/** Refuses a file that is the database itself or one of SQLite's files beside it. */
export function assertNotTheDatabase(file: string, database: string): void {
  const path = realPathOf(file);
  const db = realPathOf(database);
  if ([db, ...SIDE_FILES.map((suffix) => db + suffix)].includes(path)) {
    throw new TipsyError('INVALID_INPUT', `${file} is the database (or one of its files); choose another file.`);
  }
}

const taken = (file: string) => new TipsyError('NOT_ALLOWED', `${file} exists; choose another name, or add --force to replace it.`);

export function assertFree(file: string): void {
  if (existsSync(file)) throw taken(file);
}

/** Where the platform allows it, makes a rename in `dir` survive a power cut. */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform opens a folder (Windows); the rename itself is done.
  }
}

/** Puts `temp` at `destination`; without `replace`, never over a file that appeared meanwhile. */
function place(temp: string, destination: string, replace: boolean): void {
  if (replace) return renameSync(temp, destination);
  try {
    linkSync(temp, destination); // fails if the name is taken, where a rename would replace it
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw taken(destination);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // A file system without hard links: check, then rename.
    assertFree(destination);
    return renameSync(temp, destination);
  }
  rmSync(temp);
}

/**
 * Writes a file under a temporary name in the destination's folder and, once
 * `write` has succeeded, renames it into place: a failed or interrupted write
 * never leaves a half file under the final name. A temporary file is removed
 * on failure, and on Ctrl-C or SIGTERM before the process ends.
 */
export async function writeAtomically<T>(destination: string, options: { replace: boolean }, write: (temp: string) => Promise<T>): Promise<T> {
  const temp = join(dirname(destination), `.${basename(destination)}.${randomBytes(4).toString('hex')}.partial`);
  const removeTemp = () => [temp, ...SIDE_FILES.map((suffix) => temp + suffix)].forEach((file) => rmSync(file, { force: true }));
  const onSignal = (signal: NodeJS.Signals) => {
    removeTemp();
    process.kill(process.pid, signal); // the handler is gone: the process ends as the signal says
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const result = await write(temp);
    place(temp, destination, options.replace);
    syncFolder(dirname(destination));
    return result;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    removeTemp();
  }
}

export function describeBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
