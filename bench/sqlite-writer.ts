/**
 * Who should store visitors' messages on SQLite: the main thread's group
 * commit (TIPSY_SQLITE_WRITER=main) or a writer thread with its
 * own connection (worker). Both in the same run, each on a freshly started
 * server, alternating which goes first: the durable-writes closed-loop load
 * (BENCH_SOCKETS sockets × BENCH_WINDOW sends in flight for BENCH_SECONDS),
 * then the round-trip load at BENCH_RATES over BENCH_CONVERSATIONS
 * conversations (each rate after its warm-up, BENCH_WARMUP_MS). Each load
 * reads the server's CPU time (all threads) over its measured window; this
 * script also reads the main thread's own CPU over the whole load run, to see
 * how much of the work left the thread that serves the sockets.
 * Run: npm run bench -- sqlite-writer   (BENCH_RUNS=3 BENCH_RATES=4000,5000 BENCH_CONVERSATIONS=1000 BENCH_SECONDS=5 BENCH_SOCKETS=100 BENCH_WINDOW=16)
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startQuietServer } from './lib/bench-site.js';
import type { ClosedLoopResult } from './lib/closed-loop-load.js';
import { runLoadProcess } from './lib/load-process.js';
import { cpuSecondsOf } from './lib/probed-process.js';
import { saveResults } from './lib/results.js';
import type { RoundTripResult } from './lib/round-trip-load.js';
import { cpuMicrosPerMessage, longestPauseMs } from './lib/round-trip-runs.js';
import { printTable, progress, progressDone, range } from './lib/stats.js';
import { Teardown } from './lib/teardown.js';

type Writer = 'main' | 'worker';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS: a whole number ≥ 1, not ${process.env.BENCH_RUNS}`);
const RATES = (process.env.BENCH_RATES ?? '4000,5000').split(',').map(Number);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 100);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 16);
const CLOSED_LOOP = new URL('./lib/closed-loop-load.ts', import.meta.url).pathname;
const ROUND_TRIP = new URL('./lib/round-trip-load.ts', import.meta.url).pathname;

/** One load against one server: what the load generator measured, and the main thread's part of the server's CPU meanwhile. */
interface Measured<T> {
  result: T;
  /** The server's main thread's CPU over the whole load run (set-up and warm-up included) / all its threads'. */
  mainShare: number;
}

interface RunFigures {
  /** Which writer went first in this run. */
  order: Writer[];
  closedLoop: Record<Writer, Measured<ClosedLoopResult>>;
  roundTrip: Record<Writer, Record<number, Measured<RoundTripResult>>>;
}

/** CPU seconds one thread has used (/proc/<pid>/task/<tid>/stat: utime + stime, in USER_HZ ticks of 1/100 s). */
function threadCpuSeconds(pid: number, tid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measured<T>(pid: number, load: () => Promise<T>): Promise<Measured<T>> {
  const [allBefore, mainBefore] = [cpuSecondsOf(pid), threadCpuSeconds(pid, pid)];
  const result = await load();
  return { result, mainShare: (threadCpuSeconds(pid, pid) - mainBefore) / (cpuSecondsOf(pid) - allBefore) };
}

const teardown = new Teardown();

/** A freshly started server with the given writer, stopped (and its database deleted) once `work` is done. */
async function onFreshServer<T>(writer: Writer, work: (url: string, siteKey: string, pid: number) => Promise<T>): Promise<T> {
  const { server, siteKey } = await startQuietServer({ TIPSY_SQLITE_WRITER: writer });
  teardown.add(`stop the server (${writer} writer)`, () => server.stop());
  try {
    return await work(server.url, siteKey, server.child.pid!);
  } finally {
    await server.stop();
  }
}

async function measureOnce(run: number): Promise<RunFigures> {
  // Alternating which goes first, so a drift of the machine over a run does not favour one.
  const order: Writer[] = run % 2 ? ['main', 'worker'] : ['worker', 'main'];
  const which = `run ${run} of ${RUNS}: `;
  const closedLoop = {} as RunFigures['closedLoop'];
  for (const writer of order) {
    progress(`${which}${writer} writer, ${SOCKETS} sockets × ${WINDOW} in flight for ${SECONDS} s…`);
    closedLoop[writer] = await onFreshServer(writer, (url, siteKey, pid) =>
      measured(pid, () => runLoadProcess<ClosedLoopResult>(CLOSED_LOOP, [url, siteKey, SOCKETS, WINDOW, SECONDS, pid])),
    );
  }
  const roundTrip = { main: {}, worker: {} } as RunFigures['roundTrip'];
  for (const writer of order) {
    await onFreshServer(writer, async (url, siteKey, pid) => {
      for (const rate of RATES) {
        progress(`${which}${writer} writer at ${rate} msgs/s over ${CONVERSATIONS} conversations…`);
        roundTrip[writer][rate] = await measured(pid, () => runLoadProcess<RoundTripResult>(ROUND_TRIP, [url, siteKey, rate, CONVERSATIONS, SECONDS, '-', pid]));
      }
    });
  }
  progressDone();
  return { order, closedLoop, roundTrip };
}

/** The server's CPU µs per acked message over the closed loop's window (all threads). */
const closedLoopCpu = (r: ClosedLoopResult): number => (r.window ? (r.window.cpu.ms[0]! * 1000) / r.acked : NaN);

interface Row {
  load: string;
  writer: Writer;
  'msgs/s': number;
  'ack p99': number;
  'receipt p99': number;
  'cpu µs/msg': number;
  'main thread': number;
  'main µs/msg': number;
  'longest pause ms': number;
  lost: number;
}

function rowsOf(figures: RunFigures): Row[] {
  const rows: Row[] = [];
  for (const writer of ['main', 'worker'] as const) {
    const { result, mainShare } = figures.closedLoop[writer];
    const cpu = closedLoopCpu(result);
    const pause = result.window?.longestPauseMs[0] ?? NaN;
    rows.push({ load: 'closed loop', writer, 'msgs/s': result.ackedPerSecond, 'ack p99': result.ack.p99, 'receipt p99': NaN, 'cpu µs/msg': cpu, 'main thread': mainShare, 'main µs/msg': cpu * mainShare, 'longest pause ms': pause, lost: result.errors });
  }
  for (const rate of RATES) {
    for (const writer of ['main', 'worker'] as const) {
      const { result, mainShare } = figures.roundTrip[writer][rate]!;
      const cpu = cpuMicrosPerMessage(result);
      rows.push({
        load: `round trip ${rate}/s`,
        writer,
        'msgs/s': result.achievedRate,
        'ack p99': result.ack.p99,
        'receipt p99': result.receipt.p99,
        'cpu µs/msg': cpu,
        'main thread': mainShare,
        'main µs/msg': cpu * mainShare,
        'longest pause ms': longestPauseMs(result),
        lost: result.sent - result.received + result.errors,
      });
    }
  }
  return rows;
}

const shown = (row: Row): Record<string, string | number> => ({
  ...row,
  'receipt p99': Number.isNaN(row['receipt p99']) ? '' : row['receipt p99'],
  'cpu µs/msg': Math.round(row['cpu µs/msg']),
  'main thread': `${Math.round(row['main thread'] * 100)} %`,
  'main µs/msg': Math.round(row['main µs/msg']),
});

function printRun(figures: RunFigures, run: number): void {
  console.log(`\nSQLite writer, run ${run} of ${RUNS} (${figures.order.join(' first, then ')})\n`);
  printTable(rowsOf(figures).map(shown));
}

function printSummary(runs: readonly RunFigures[]): void {
  const tables = runs.map(rowsOf);
  const rows = tables[0]!.map((first, i) => {
    const each = tables.map((table) => table[i]!);
    const over = (key: keyof Row, digits = 1) => range(each.map((row) => row[key] as number), digits);
    return {
      load: first.load,
      writer: first.writer,
      'msgs/s': over('msgs/s', 0),
      'ack p99': over('ack p99'),
      'receipt p99': first.load === 'closed loop' ? '' : over('receipt p99'),
      'cpu µs/msg': over('cpu µs/msg', 0),
      'main thread %': range(each.map((row) => row['main thread'] * 100), 0),
      'main µs/msg': over('main µs/msg', 0),
      'longest pause ms': over('longest pause ms'),
      lost: over('lost', 0),
    };
  });
  console.log(`\nOver ${runs.length} runs, each writer on freshly started servers (min–max)\n`);
  printTable(rows);
  const gains = runs.map((r) => r.closedLoop.worker.result.ackedPerSecond / r.closedLoop.main.result.ackedPerSecond);
  console.log(`\nClosed loop, worker / main acked msgs/s: ${range(gains, 2)}× (per run: ${gains.map((g) => g.toFixed(2)).join(', ')})`);
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
console.log(`Load average before: ${load()}`);
try {
  const runs: RunFigures[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const figures = await measureOnce(run);
    printRun(figures, run);
    runs.push(figures);
  }
  printSummary(runs);
  console.log('\ncpu µs/msg: the server process (all threads) over the measured window, per acked (closed loop) or sent (round trip) message.');
  console.log('main thread: its share of that CPU over the whole load run (set-up and warm-up included); main µs/msg = cpu µs/msg × that share.');
  console.log('lost: closed loop, sends refused; round trip, sends not received or refused. p99 in ms.');
  console.log(`Load average after: ${load()}`);
  console.log(`Saved ${saveResults('sqlite-writer', { runs: RUNS, rates: RATES, conversations: CONVERSATIONS, seconds: SECONDS, sockets: SOCKETS, window: WINDOW, figures: runs })}`);
} finally {
  await teardown.run();
}
