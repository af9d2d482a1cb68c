import { existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { copySqliteSnapshot, lockSqliteForReplacement } from '../../db/sqlite-backup.js';
import { TipsyError } from '../../errors.js';
import { print, type Output } from '../output.js';
import { assertNotTheDatabase, sqliteDatabasePath, writeAtomically } from './backup-files.js';
import { copyProgress } from './copy-progress.js';
import { pgRestoreCommand, postgresToolsJob } from './postgres-tools.js';

/** Where the database a restore replaces is kept: beside it, named for the moment. */
const keptName = (database: string) => `${database}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;

export function registerRestoreCommand(program: Command): void {
  program
    .command('restore <file>')
    .description('replace the SQLite database with a backup, servers stopped (the replaced one is kept beside it)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: Output) => {
      const config = loadConfig();
      if (config.databaseUrl) {
        throw postgresToolsJob(
          'restore it',
          pgRestoreCommand(config.databaseUrl, file),
          'Restore into an empty database (createdb), then start the servers on it.',
        );
      }
      const database = sqliteDatabasePath(config);
      const backup = resolve(file);
      if (!existsSync(backup)) throw new TipsyError('NOT_FOUND', `There is no backup at ${backup}.`);
      assertNotTheDatabase(backup, database);

      // Refuses while any process has the database open, and keeps it closed to them until the swap is done.
      const lock = existsSync(database) ? lockSqliteForReplacement(database) : undefined;
      const progress = copyProgress('Restoring');
      let kept: string | undefined;
      try {
        const copy = await writeAtomically(database, { replace: true }, async (temp) => {
          // Checked first: nothing is replaced by a damaged backup. The backup's own -wal, if any, is copied too.
          const copied = await copySqliteSnapshot(backup, temp, { onProgress: progress.update, check: true, readonlySource: false });
          if (lock) {
            kept = keptName(database);
            renameSync(database, kept);
          }
          // A WAL beside the old file belongs to it: one left over would be replayed into the backup.
          for (const suffix of ['-wal', '-shm', '-journal']) rmSync(database + suffix, { force: true });
          return copied;
        });
        print(opts, { path: database, from: backup, messages: copy.messages, kept: kept ?? null }, () =>
          [
            `Restored ${database} from ${backup}: ${copy.messages.toLocaleString('en-US')} messages.`,
            ...(kept ? [`The database it replaced is kept at ${kept}.`] : []),
            'Start the server.',
          ].join('\n'),
        );
      } catch (error) {
        // The old file goes back where it was if the new one could not be put in its place.
        if (kept && !existsSync(database)) renameSync(kept, database);
        throw error;
      } finally {
        progress.end();
        lock?.release();
      }
    });
}
