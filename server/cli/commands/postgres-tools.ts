import { TipsyError } from '../../errors.js';

/** Quotes a word for a POSIX shell, only when it needs it. */
const shellWord = (word: string) => (/^[\w./:@=,+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * A command line for one of Postgres's tools on the server's database, ready to
 * paste: the URL without its password, which goes in PGPASSWORD (shown masked).
 */
function commandFor(databaseUrl: string, args: (url: string) => string[]): string {
  const url = new URL(databaseUrl);
  const hasPassword = url.password !== '';
  url.password = '';
  const line = args(url.toString()).map(shellWord).join(' ');
  return hasPassword ? `PGPASSWORD='*****' ${line}` : line;
}

/** The backup the docs describe: a consistent snapshot taken while the servers run, in pg_dump's custom format. */
export const pgDumpCommand = (databaseUrl: string, file: string) => commandFor(databaseUrl, (url) => ['pg_dump', '-Fc', '-f', file, url]);

/** Into an empty database (pg_restore adds to what it finds). */
export const pgRestoreCommand = (databaseUrl: string, file: string) =>
  commandFor(databaseUrl, (url) => ['pg_restore', '--no-owner', '-d', url, file]);

/** Refuses a job that is Postgres's own tool's, naming the command to run instead. */
export function postgresToolsJob(what: string, command: string, note: string): TipsyError {
  return new TipsyError(
    'NOT_ALLOWED',
    `The database is Postgres (TIPSY_DATABASE_URL): ${what} with Postgres's own tool. For this database:\n` +
      `  ${command}\n${note} See docs/deploy.md, "Backups and restore".`,
  );
}
