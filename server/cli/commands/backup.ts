import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { copySqliteSnapshot } from '../../db/sqlite-backup.js';
import { TipsyError } from '../../errors.js';
import { print, type Output } from '../output.js';
import { assertFree, assertNotTheDatabase, describeBytes, sqliteDatabasePath, writeAtomically } from './backup-files.js';
import { copyProgress } from './copy-progress.js';
import { pgDumpCommand, postgresToolsJob } from './postgres-tools.js';

export function registerBackupCommand(program: Command): void {
  program
    .command('backup <file>')
    .description('copy the SQLite database to a new file, consistently, while servers keep running (Postgres: use pg_dump)')
    .option('--force', 'replace <file> if it exists')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { force?: boolean } & Output) => {
      const config = loadConfig();
      if (config.databaseUrl) {
        throw postgresToolsJob('back it up', pgDumpCommand(config.databaseUrl, file), 'It takes a consistent snapshot while the servers run.');
      }
      // Opened as it is: the copy runs no migration, so a newer `tipsy` never changes an older server's database.
      const source = sqliteDatabasePath(config);
      if (!existsSync(source)) throw new TipsyError('NOT_FOUND', `There is no database at ${source} (TIPSY_DB).`);
      const destination = resolve(file);
      assertNotTheDatabase(destination, source);
      if (!opts.force) assertFree(destination);

      const progress = copyProgress('Backing up');
      const copy = await writeAtomically(destination, { replace: Boolean(opts.force) }, (temp) =>
        copySqliteSnapshot(source, temp, { onProgress: progress.update }),
      ).finally(progress.end);
      const bytes = statSync(destination).size;
      print(opts, { path: destination, bytes, pages: copy.pages, messages: copy.messages }, () =>
        `Backed up ${source} to ${destination}: ${describeBytes(bytes)}, ${copy.messages.toLocaleString('en-US')} messages.`,
      );
    });
}
