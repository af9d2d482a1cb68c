/**
 * `npm run test:server:postgres`: the server suite again, each harness on a
 * fresh Postgres database (TIPSY_TEST_DATABASE=postgres). Without a Postgres
 * to reach, a developer is told so in one line and the pass is skipped; CI
 * (CI=true) never skips it: there a missing Postgres fails.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { POSTGRES_ADMIN_URL } from './test-database.js';

const where = new URL(POSTGRES_ADMIN_URL);
const reachable = await (async () => {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    if (process.env.CI) console.error(`Postgres at ${where.host}: ${String(error)}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
})();
if (!reachable) {
  if (process.env.CI) {
    console.error('CI never skips the Postgres pass: start Postgres (.ci/run does) or set TIPSY_TEST_POSTGRES_URL.');
    process.exit(1);
  }
  console.log(`Skipped the server suite on Postgres: no Postgres at ${where.host} (start one, or set TIPSY_TEST_POSTGRES_URL).`);
  process.exit(0);
}

const dir = new URL('./', import.meta.url).pathname;
/**
 * Tests whose subject is not the database: what they prove holds on either (validation before
 * any write, error envelopes, what a browser shows), and the SQLite pass runs them. Every other test, a new one included,
 * runs here again.
 */
const SAME_ON_EITHER_DATABASE = new Set([
  'accent.test.ts', // colours
  'contract.test.ts', // the shared types
  'envelope.test.ts', // error envelopes answered before any procedure
  'fuzz.test.ts', // payloads refused by validation
  'fuzz-http.test.ts',
  'static-files.test.ts',
  'terminal.test.ts', // control characters on a terminal
  'studio-page.test.ts', // what the studio shows in a browser; studio-auth.test.ts runs here
  'studio-editor.test.ts',
  'studio-usage.test.ts',
  'studio-walk.test.ts',
]);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts') && !SAME_ON_EITHER_DATABASE.has(f))
  .sort()
  .map((f) => dir + f);
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, TIPSY_TEST_DATABASE: 'postgres' },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
