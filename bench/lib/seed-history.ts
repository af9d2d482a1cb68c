/**
 * The history benchmark's database: a million messages in ten thousand
 * conversations, seeded once and kept in bench/.cache/ (git-ignored), keyed
 * by the schema (the migration names) and the seed's shape, so re-runs skip
 * the seed and a schema change seeds afresh.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from '../../server/db/migrations/index.js';
import { ChatWriter, createSiteAndCharacter, openRaw, type ChatShape, type SiteRefs } from './chat-rows.js';
import { progressMeter } from './progress-meter.js';

/** Bump when the seeded rows change shape, so old caches are not reused. */
const SEED_FORMAT = 1;
const BATCH_ROWS = 10_000;
const CACHE_DIR = new URL('../.cache/', import.meta.url).pathname;

export interface SeedFigures extends SiteRefs {
  shape: ChatShape;
  rows: number;
  seconds: number;
  /** Messages per second, in transactions of `batchRows`, with the server's pragmas and indexes in place. */
  rowsPerSecond: number;
  batchRows: number;
  seededAt: string;
}

export interface HistoryDb {
  file: string;
  seed: SeedFigures;
  /** True when this run reused a database seeded before. */
  cached: boolean;
}

/** The cached database for this shape and schema, seeding it first if needed (within timeLimitMs). */
export async function historyDb(shape: ChatShape, timeLimitMs: number): Promise<HistoryDb> {
  const key = createHash('sha256')
    .update(JSON.stringify({ SEED_FORMAT, migrations: Object.keys(migrations), shape }))
    .digest('hex')
    .slice(0, 12);
  const file = join(CACHE_DIR, `history-${key}.db`);
  const metaFile = `${file}.json`;
  if (existsSync(file) && existsSync(metaFile)) {
    return { file, seed: JSON.parse(readFileSync(metaFile, 'utf8')) as SeedFigures, cached: true };
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  // An older schema's or shape's database is of no more use: a million rows weigh a few hundred MB.
  for (const name of readdirSync(CACHE_DIR)) if (name.startsWith('history-')) rmSync(join(CACHE_DIR, name), { force: true });

  // Seeded under another name and renamed when whole: an interrupted seed is never taken for a cache.
  const partial = `${file}.partial`;
  const refs = await createSiteAndCharacter(partial);
  const sqlite = openRaw(partial);
  const writer = new ChatWriter(sqlite, refs, shape);
  const meter = progressMeter('Seeding messages', writer.total);
  const started = performance.now();
  const deadline = started + timeLimitMs;
  while (writer.batch(BATCH_ROWS) > 0) {
    meter.update(writer.written);
    if (performance.now() > deadline) {
      sqlite.close();
      throw new Error(`Seeding took over ${timeLimitMs / 1000} s (${writer.written} rows written); raise BENCH_SEED_LIMIT_S`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  meter.finish(writer.written);
  const check = sqlite.prepare('select count(*) as n, (select sum(last_seq) from conversations) as seqs from messages').get() as { n: number; seqs: number };
  if (check.n !== writer.total || check.seqs !== writer.total) throw new Error(`Seed check failed: ${JSON.stringify(check)}`);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close(); // the last connection to close removes the WAL: one file to rename
  renameSync(partial, file);

  const seed: SeedFigures = {
    ...refs,
    shape,
    rows: writer.written,
    seconds,
    rowsPerSecond: writer.written / seconds,
    batchRows: BATCH_ROWS,
    seededAt: new Date().toISOString(),
  };
  writeFileSync(metaFile, `${JSON.stringify(seed, null, 2)}\n`);
  return { file, seed, cached: false };
}
