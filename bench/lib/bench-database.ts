/**
 * The database a benchmarked server runs on: a SQLite file in a temp folder
 * (the default), or a fresh Postgres database (`tipsy_bench_<random>`, made
 * over a connection to BENCH_POSTGRES_URL's database and dropped after).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchDatabase {
  dialect: 'sqlite' | 'postgres';
  /** The SQLite file (':memory:', unused, on Postgres). */
  dbFile: string;
  databaseUrl?: string;
  /** What points a server process at it. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(dialect: 'sqlite' | 'postgres' = 'sqlite'): Promise<BenchDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tipsy-bench-'));
    const dbFile = join(dir, 'tipsy.db');
    return { dialect, dbFile, env: { TIPSY_DB: dbFile }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tipsy_bench_${randomBytes(6).toString('hex')}`;
  await asAdmin(`create database ${name}`);
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let dropped = false;
  return {
    dialect,
    dbFile: ':memory:',
    databaseUrl,
    env: { TIPSY_DATABASE_URL: databaseUrl },
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await asAdmin(`drop database if exists ${name} with (force)`);
    },
  };
}
