/**
 * Durable writes: the most acked messages per second the server sustains on
 * SQLite (WAL) and on Postgres. Senders keep a window of sends in flight
 * (closed loop) and count acks, each given only after the message is
 * committed. Beside it in the same run: the bare Socket.IO echo server under
 * the same load (no database), raw better-sqlite3 doing the same inserts with
 * nothing around them, and raw node-postgres doing what a stored message costs
 * in Postgres, at the socket load's concurrency on a pool the server's size.
 * The server's CPU per acked message is read from /proc over the load's seconds.
 * BENCH_RUNS=N does all of it N times, each on fresh servers and databases,
 * then prints the range of each figure over the runs.
 * Run: npm run bench -- durable-writes   (BENCH_DIALECTS=sqlite,postgres BENCH_SOCKETS=100 BENCH_WINDOW=16 BENCH_SECONDS=5 BENCH_RUNS=1 BENCH_PROFILE_DIR=dir)
 */
import { createBenchDatabase } from './lib/bench-database.js';
import { startQuietServer } from './lib/bench-site.js';
import type { ClosedLoopResult as LoadResult } from './lib/closed-loop-load.js';
import { printSelfTime, profileOf, topSelfTime } from './lib/cpu-profile.js';
import { printWritesSummary, type WritesRow } from './lib/durable-writes-runs.js';
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
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS: a whole number ≥ 1, not ${process.env.BENCH_RUNS}`);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const unknown = DIALECTS.filter((d) => !(d in DIALECT_NAMES));
if (unknown.length) throw new Error(`BENCH_DIALECTS: unknown ${unknown.join(', ')} (sqlite, postgres)`);
const LOAD = new URL('./lib/closed-loop-load.ts', import.meta.url).pathname;

/** The load against a server, with that server's CPU time read over the same seconds. */
const runLoad = (url: string, siteKey: string, serverPid: number) => runLoadProcess<LoadResult>(LOAD, [url, siteKey, SOCKETS, WINDOW, SECONDS, serverPid]);

interface RunFigures {
  raw?: RawWriteFigures;
  /** As the socket load spreads its sends (per socket's conversation), and the same number in flight one per conversation. */
  rawPostgres?: { asLoad: RawPostgresFigures; spread: RawPostgresFigures };
  bare: LoadResult;
  tipsy: Partial<Record<Dialect, LoadResult>>;
  serverPids: Partial<Record<Dialect, number>>;
}

const teardown = new Teardown();
const runs: RunFigures[] = [];

async function measureOnce(run: number): Promise<RunFigures> {
  const which = RUNS > 1 ? `run ${run} of ${RUNS}: ` : '';
  let raw: RawWriteFigures | undefined;
  let rawPostgres: RunFigures['rawPostgres'];
  if (DIALECTS.includes('sqlite')) {
    progress(`${which}raw better-sqlite3 inserts for ${SECONDS} s each…`);
    raw = await measureRawMessageWrites(SECONDS);
  }
  if (DIALECTS.includes('postgres')) {
    progress(`${which}raw node-postgres: ${SOCKETS * WINDOW} writes in flight for ${SECONDS} s, twice…`);
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
  progress(`${which}bare Socket.IO: ${SOCKETS} sockets × ${WINDOW} in flight for ${SECONDS} s…`);
  const bare = await runLoad(echo.url, '-', echo.pid);
  echo.stop();

  // One server at a time, each on a fresh database, so none shares the machine with another's leftovers.
  const tipsy: RunFigures['tipsy'] = {};
  const serverPids: RunFigures['serverPids'] = {};
  for (const dialect of DIALECTS) {
    const database = await createBenchDatabase(dialect);
    teardown.add(`drop the ${dialect} database`, () => database.drop());
    const { server, siteKey } = await startQuietServer({}, database);
    teardown.add(`stop the server on ${dialect}`, () => server.stop());
    serverPids[dialect] = server.child.pid;
    progress(`${which}Tipsy Chat on ${DIALECT_NAMES[dialect]}: ${SOCKETS} sockets × ${WINDOW} in flight for ${SECONDS} s…`);
    tipsy[dialect] = await runLoad(server.url, siteKey, server.child.pid!);
    await server.stop();
    await database.drop();
  }
  progressDone();
  return { raw, rawPostgres, bare, tipsy, serverPids };
}

/** The server's CPU µs per acked message over the load's seconds. */
const cpuPerAcked = (result: LoadResult): number => (result.window ? (result.window.cpu.ms[0]! * 1000) / result.acked : NaN);

const bareRatio = (figures: RunFigures, dialect: Dialect) => figures.tipsy[dialect]!.ackedPerSecond / figures.bare.ackedPerSecond;

function rowsOf(figures: RunFigures): (WritesRow & Record<string, string | number>)[] {
  const { raw, rawPostgres, bare } = figures;
  const rows: (WritesRow & Record<string, string | number>)[] = [];
  if (raw) {
    rows.push({ what: 'raw better-sqlite3, 1 message per transaction', 'msgs/s': raw.perTransaction });
    rows.push({ what: `raw better-sqlite3, ${raw.batch} per transaction`, 'msgs/s': raw.batched });
  }
  for (const pg of rawPostgres ? [rawPostgres.asLoad, rawPostgres.spread] : []) {
    const what = `raw node-postgres, pool of ${pg.pool}, ${pg.perConversation} in flight on each of ${pg.conversations} conversations`;
    rows.push({ what, 'msgs/s': pg.committedPerSecond, 'p50 ms': pg.commit.p50, 'p99 ms': pg.commit.p99 });
  }
  const bareCpu = Math.round(cpuPerAcked(bare));
  rows.push({ what: 'bare Socket.IO echo (no database)', 'msgs/s': bare.ackedPerSecond, 'p50 ms': bare.ack.p50, 'p99 ms': bare.ack.p99, errors: bare.errors, 'cpu µs/msg': bareCpu });
  for (const dialect of DIALECTS) {
    const result = figures.tipsy[dialect]!;
    rows.push({
      what: `Tipsy Chat on ${DIALECT_NAMES[dialect]} (acked after commit)`,
      'msgs/s': result.ackedPerSecond,
      'p50 ms': result.ack.p50,
      'p99 ms': result.ack.p99,
      errors: result.errors,
      '× bare echo': `${bareRatio(figures, dialect).toFixed(2)}×`,
      'cpu µs/msg': Math.round(cpuPerAcked(result)),
    });
  }
  return rows;
}

function printRun(figures: RunFigures, run: number): void {
  const which = RUNS > 1 ? `, run ${run} of ${RUNS}` : '';
  console.log(`\nDurable writes${which}: ${SOCKETS} sockets, ${WINDOW} sends in flight each, ${SECONDS} s\n`);
  const columns = { what: '', 'msgs/s': '', 'p50 ms': '', 'p99 ms': '', errors: '', '× bare echo': '', 'cpu µs/msg': '' };
  printTable(rowsOf(figures).map((row) => ({ ...columns, ...row })));
  console.log('\np50, p99: send → ack over a socket; for raw node-postgres, asking the pool for a connection → commit.');
  console.log('cpu µs/msg: the server process\'s CPU time (user + system) over the load\'s seconds, per acked message.');
  const { raw, rawPostgres, tipsy } = figures;
  if (raw && tipsy.sqlite) console.log(`Tipsy Chat on SQLite / raw SQLite in batches: ${(tipsy.sqlite.ackedPerSecond / raw.batched).toFixed(2)}×`);
  if (rawPostgres && tipsy.postgres) {
    console.log(`Tipsy Chat on Postgres / raw node-postgres with the load's spread: ${(tipsy.postgres.ackedPerSecond / rawPostgres.asLoad.committedPerSecond).toFixed(2)}×`);
  }
}

try {
  for (let run = 1; run <= RUNS; run++) {
    const figures = await measureOnce(run);
    printRun(figures, run);
    runs.push(figures);
  }
  if (RUNS > 1) {
    const ratios = new Map(DIALECTS.map((dialect) => [DIALECT_NAMES[dialect], runs.map((figures) => bareRatio(figures, dialect))]));
    printWritesSummary(runs.map(rowsOf), ratios);
  }
  // The top-level figures are the last run's, as before there were several; `runs` holds them all.
  const { serverPids: _pids, ...last } = runs.at(-1)!;
  const saved = saveResults('durable-writes', { sockets: SOCKETS, window: WINDOW, seconds: SECONDS, dialects: DIALECTS, ...last, runs });
  console.log(`Saved ${saved}`);
} finally {
  await teardown.run();
}

// With BENCH_PROFILE_DIR set, each server wrote a CPU profile as it stopped: where its busy time went.
const profileDir = process.env.BENCH_PROFILE_DIR;
for (const [i, { serverPids }] of runs.entries()) {
  for (const dialect of DIALECTS) {
    const profile = profileDir && profileOf(profileDir, serverPids[dialect]);
    if (!profile) continue;
    const top = topSelfTime(profile, 10);
    const which = RUNS > 1 ? `, run ${i + 1} of ${RUNS}` : '';
    console.log(`\nServer CPU on ${DIALECT_NAMES[dialect]}${which} while up (${(top.total / 1000).toFixed(1)} s busy, start-up included; self time): ${profile}\n`);
    printSelfTime(top);
  }
}
