/**
 * Durable writes: the most acked messages per second the server sustains on
 * SQLite (WAL) and on Postgres. Senders keep a window of sends in flight
 * (closed loop) and count acks, each given only after the message is
 * committed. Beside it in the same run: the bare Socket.IO echo server under
 * the same load (no database), raw better-sqlite3 doing the same inserts with
 * nothing around them, and raw node-postgres doing what a stored message costs
 * in Postgres, at the socket load's concurrency on a pool the server's size.
 * Run: npm run bench -- durable-writes   (BENCH_DIALECTS=sqlite,postgres BENCH_SOCKETS=100 BENCH_WINDOW=16 BENCH_SECONDS=5 BENCH_PROFILE_DIR=dir)
 */
import { createBenchDatabase } from './lib/bench-database.js';
import { startQuietServer } from './lib/bench-site.js';
import type { ClosedLoopResult as LoadResult } from './lib/closed-loop-load.js';
import { printSelfTime, profileOf, topSelfTime } from './lib/cpu-profile.js';
import { startEchoServer } from './lib/echo-baseline.js';
import { runLoadProcess } from './lib/load-process.js';
import { measureRawMessageWrites, type RawWriteFigures } from './lib/raw-message-writes.js';
import { measureRawPostgresWrites, type RawPostgresFigures } from './lib/raw-postgres-writes.js';
import { saveResults } from './lib/results.js';
import { printTable, progress, progressDone } from './lib/stats.js';
import { Teardown } from './lib/teardown.js';

type Dialect = 'sqlite' | 'postgres';
const DIALECT_NAMES: Record<Dialect, string> = { sqlite: 'SQLite', postgres: 'Postgres' };

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 100);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const unknown = DIALECTS.filter((d) => !(d in DIALECT_NAMES));
if (unknown.length) throw new Error(`BENCH_DIALECTS: unknown ${unknown.join(', ')} (sqlite, postgres)`);
const LOAD = new URL('./lib/closed-loop-load.ts', import.meta.url).pathname;

const runLoad = (url: string, siteKey: string) => runLoadProcess<LoadResult>(LOAD, [url, siteKey, SOCKETS, WINDOW, SECONDS]);

const teardown = new Teardown();
const tipsy: Partial<Record<Dialect, LoadResult>> = {};
const serverPids: Partial<Record<Dialect, number>> = {};
let rawSqlite: RawWriteFigures | undefined;
/** As the socket load spreads its sends (per socket's conversation), and the same number in flight one per conversation. */
let rawPostgres: { asLoad: RawPostgresFigures; spread: RawPostgresFigures } | undefined;
try {
  if (DIALECTS.includes('sqlite')) {
    progress(`raw better-sqlite3 inserts for ${SECONDS} s each…`);
    rawSqlite = await measureRawMessageWrites(SECONDS);
  }
  if (DIALECTS.includes('postgres')) {
    progress(`raw node-postgres: ${SOCKETS * WINDOW} writes in flight for ${SECONDS} s, twice…`);
    const database = await createBenchDatabase('postgres');
    teardown.add('drop the raw Postgres database', () => database.drop());
    rawPostgres = {
      asLoad: await measureRawPostgresWrites(database, SECONDS, { conversations: SOCKETS, perConversation: WINDOW }),
      spread: await measureRawPostgresWrites(database, SECONDS, { conversations: SOCKETS * WINDOW, perConversation: 1 }),
    };
    await database.drop();
  }

  const echo = await startEchoServer();
  teardown.add('stop the echo server', () => echo.stop());
  progress(`bare Socket.IO: ${SOCKETS} sockets × ${WINDOW} in flight for ${SECONDS} s…`);
  const bare = await runLoad(echo.url, '-');
  echo.stop();

  // One server at a time, each on a fresh database, so none shares the machine with another's leftovers.
  for (const dialect of DIALECTS) {
    const database = await createBenchDatabase(dialect);
    teardown.add(`drop the ${dialect} database`, () => database.drop());
    const { server, siteKey } = await startQuietServer({}, database);
    teardown.add(`stop the server on ${dialect}`, () => server.stop());
    serverPids[dialect] = server.child.pid;
    progress(`Tipsy Chat on ${DIALECT_NAMES[dialect]}: ${SOCKETS} sockets × ${WINDOW} in flight for ${SECONDS} s…`);
    tipsy[dialect] = await runLoad(server.url, siteKey);
    await server.stop();
    await database.drop();
  }
  progressDone();

  const ratio = (acked: number) => `${(acked / bare.ackedPerSecond).toFixed(2)}×`;
  const rows: Record<string, string | number>[] = [];
  if (rawSqlite) {
    rows.push({ what: 'raw better-sqlite3, 1 message per transaction', 'msgs/s': rawSqlite.perTransaction });
    rows.push({ what: `raw better-sqlite3, ${rawSqlite.batch} per transaction`, 'msgs/s': rawSqlite.batched });
  }
  for (const raw of rawPostgres ? [rawPostgres.asLoad, rawPostgres.spread] : []) {
    const what = `raw node-postgres, pool of ${raw.pool}, ${raw.perConversation} in flight on each of ${raw.conversations} conversations`;
    rows.push({ what, 'msgs/s': raw.committedPerSecond, 'p50 ms': raw.commit.p50, 'p99 ms': raw.commit.p99 });
  }
  rows.push({ what: 'bare Socket.IO echo (no database)', 'msgs/s': bare.ackedPerSecond, 'p50 ms': bare.ack.p50, 'p99 ms': bare.ack.p99, errors: bare.errors });
  for (const dialect of DIALECTS) {
    const result = tipsy[dialect]!;
    rows.push({
      what: `Tipsy Chat on ${DIALECT_NAMES[dialect]} (acked after commit)`,
      'msgs/s': result.ackedPerSecond,
      'p50 ms': result.ack.p50,
      'p99 ms': result.ack.p99,
      errors: result.errors,
      '× bare echo': ratio(result.ackedPerSecond),
    });
  }
  console.log(`\nDurable writes: ${SOCKETS} sockets, ${WINDOW} sends in flight each, ${SECONDS} s\n`);
  printTable(rows.map((row) => ({ what: '', 'msgs/s': '', 'p50 ms': '', 'p99 ms': '', errors: '', '× bare echo': '', ...row })));
  console.log('\np50, p99: send → ack over a socket; for raw node-postgres, asking the pool for a connection → commit.');
  if (rawSqlite && tipsy.sqlite) console.log(`Tipsy Chat on SQLite / raw SQLite in batches: ${(tipsy.sqlite.ackedPerSecond / rawSqlite.batched).toFixed(2)}×`);
  if (rawPostgres && tipsy.postgres) {
    console.log(`Tipsy Chat on Postgres / raw node-postgres with the load's spread: ${(tipsy.postgres.ackedPerSecond / rawPostgres.asLoad.committedPerSecond).toFixed(2)}×`);
  }
  const saved = saveResults('durable-writes', { sockets: SOCKETS, window: WINDOW, seconds: SECONDS, dialects: DIALECTS, raw: rawSqlite, rawPostgres, bare, tipsy });
  console.log(`Saved ${saved}`);
} finally {
  await teardown.run();
}

// With BENCH_PROFILE_DIR set, each server wrote a CPU profile as it stopped: where its busy time went.
const profileDir = process.env.BENCH_PROFILE_DIR;
for (const dialect of DIALECTS) {
  const profile = profileDir && profileOf(profileDir, serverPids[dialect]);
  if (!profile) continue;
  const top = topSelfTime(profile, 10);
  console.log(`\nServer CPU on ${DIALECT_NAMES[dialect]} while up (${(top.total / 1000).toFixed(1)} s busy, start-up included; self time): ${profile}\n`);
  printSelfTime(top);
}
