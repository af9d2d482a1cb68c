/**
 * The database a test server runs on: a temp SQLite file, or with
 * TIPSY_TEST_DATABASE=postgres a fresh Postgres database per harness
 * (`tipsy_test_<random>`, made over a connection to TIPSY_TEST_POSTGRES_URL's
 * database and dropped on close), so parallel files and leftovers never mix.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const ON_POSTGRES = process.env.TIPSY_TEST_DATABASE === 'postgres';
/** The server Postgres tests make their databases on (trust auth on CI and on the dev box). */
export const POSTGRES_ADMIN_URL = process.env.TIPSY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** For a suite about SQLite itself (its file, pragmas, checkpoints, its CLI over a file): skipped on the Postgres pass. */
export const SQLITE_ONLY = ON_POSTGRES ? 'about SQLite itself: runs on the SQLite pass' : false;
/** For a suite about Postgres across processes: skipped on the SQLite pass. */
export const POSTGRES_ONLY = ON_POSTGRES ? false : 'Postgres only: runs on the Postgres pass (npm run test:server:postgres)';

export interface TestDatabase {
  /** The SQLite file (unused on Postgres). */
  dbFile: string;
  /** Set on Postgres: the database's URL. */
  databaseUrl?: string;
  /** The environment that points a `tipsy` or server process at this database. */
  env: Record<string, string>;
  /** Deletes the file, or drops the Postgres database (closing its connections). */
  drop(): Promise<void>;
}

async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const undropped = new Set<string>();

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!ON_POSTGRES) {
    const dir = mkdtempSync(join(tmpdir(), 'tipsy-test-'));
    const dbFile = join(dir, 'tipsy.db');
    return { dbFile, env: { TIPSY_DB: dbFile }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tipsy_test_${randomBytes(6).toString('hex')}`;
  await asAdmin((c) => c.query(`create database ${name}`));
  undropped.add(name);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    dbFile: ':memory:',
    databaseUrl,
    env: { TIPSY_DATABASE_URL: databaseUrl },
    drop: async () => {
      if (!undropped.delete(name)) return;
      await asAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

// A test file that ends without closing a harness (a failure half-way) still leaves nothing behind.
process.once('beforeExit', () => {
  if (!undropped.size) return;
  void asAdmin(async (c) => {
    for (const name of undropped) await c.query(`drop database if exists ${name} with (force)`);
  }).catch(() => undefined);
});
