/**
 * Round trip under load: send → durable write → ack, and → receipt by a second
 * socket in the same conversation, at several offered rates spread over many
 * conversations; the same load against a bare Socket.IO echo server (no auth,
 * no database) in the same run. Server, baseline and load generator each run
 * in their own process. Messaging alone: the characters do not reply here.
 * Each rate is measured after a warm-up at that rate (3 s) that is not counted.
 * Over each measured window the load generator also reads each server's CPU
 * time (/proc) and its event loop's longest pause (loop-probe.ts, in both).
 * BENCH_RUNS=N runs the whole sweep N times, each on freshly started servers
 * (a fresh database), then prints the range of each figure over the runs.
 * Run: npm run bench -- round-trip   (BENCH_RATES=100,1000 BENCH_CONVERSATIONS=200 BENCH_SECONDS=5 BENCH_WARMUP_MS=3000 BENCH_RUNS=1)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { startQuietServer } from './lib/bench-site.js';
import { startEchoServer } from './lib/echo-baseline.js';
import type { RoundTripResult as LoadResult } from './lib/round-trip-load.js';
import { runLoadProcess } from './lib/load-process.js';
import { latencyChart } from './lib/latency-chart.js';
import { holds, RECEIPT_P99_TARGET_MS } from './lib/rate-held.js';
import { cpuMicrosPerMessage, heldIn, latencyColumns, longestPauseMs, printRunsSummary, type ServerName, type Sweep } from './lib/round-trip-runs.js';
import { saveResults } from './lib/results.js';
import { printTable, progress, progressDone } from './lib/stats.js';

const RATES = (process.env.BENCH_RATES ?? '100,1000,2000,3000,4000,5000').split(',').map(Number);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS: a whole number ≥ 1, not ${process.env.BENCH_RUNS}`);
const LOAD = new URL('./lib/round-trip-load.ts', import.meta.url).pathname;

/** Every rate against both servers, started fresh for this run. */
async function sweep(run: number): Promise<Sweep> {
  const echo = await startEchoServer();
  const { server, siteKey } = await startQuietServer();
  try {
    const figures: Sweep = { tipsy: {}, bare: {} };
    const servers = [['bare', echo.url, '-', echo.pid], ['tipsy', server.url, siteKey, server.child.pid!]] as const;
    for (const rate of RATES) {
      for (const [name, url, key, pid] of servers) {
        progress(`${RUNS > 1 ? `run ${run} of ${RUNS}: ` : ''}${name} at ${rate} msgs/s over ${CONVERSATIONS} conversations…`);
        figures[name][rate] = await runLoadProcess<LoadResult>(LOAD, [url, key, rate, CONVERSATIONS, SECONDS, '-', pid]);
      }
    }
    return figures;
  } finally {
    await server.stop();
    echo.stop();
  }
}

function printRun(figures: Sweep, run: number): void {
  const rows: Record<string, string | number>[] = [];
  for (const rate of RATES) {
    for (const name of ['bare', 'tipsy'] as const) {
      const result = figures[name][rate]!;
      rows.push({
        server: name,
        ...latencyColumns(rate, result),
        'cpu µs/msg': Math.round(cpuMicrosPerMessage(result)),
        'longest pause ms': longestPauseMs(result),
      });
    }
  }
  const which = RUNS > 1 ? `, run ${run} of ${RUNS}` : '';
  console.log(`\nRound trip (ms)${which}: ${CONVERSATIONS} conversations, ${SECONDS} s per rate, sender and receiver sockets\n`);
  printTable(rows);
  console.log(`\nHighest offered rate held with receipt p99 ≤ 25 ms (and every lower rate too): Tipsy Chat ${heldIn(figures, 'tipsy', RATES)} msgs/s, bare Socket.IO ${heldIn(figures, 'bare', RATES)} msgs/s`);
  const top = Math.max(...RATES);
  const atTop = figures.tipsy[top]!;
  console.log(`At ${top} msgs/s, Tipsy Chat: ack p99 ${atTop.ack.p99.toFixed(1)} ms, receipt p99 ${atTop.receipt.p99.toFixed(1)} ms (target ≤ 25 ms): ${atTop.ack.p99 <= RECEIPT_P99_TARGET_MS && holds(atTop) ? 'met' : 'missed'}`);
}

/** The chart of one run, in bench/results/ and, for the documented run (the default settings only), in docs/. */
function writeChart(figures: Sweep): string {
  const series = (name: ServerName, label: string, color: string) => ({
    name: label,
    color,
    points: RATES.map((rate) => ({ rate, p50: figures[name][rate]!.receipt.p50, p99: figures[name][rate]!.receipt.p99 })),
  });
  const svg = latencyChart(`Send → receipt by a second socket, ${CONVERSATIONS.toLocaleString('en')} conversations`, [
    series('tipsy', 'Tipsy Chat (stored, then sent)', '#6d28d9'),
    series('bare', 'bare Socket.IO echo (no database)', '#0891b2'),
  ]);
  const charts = [new URL('./results/round-trip-latency.svg', import.meta.url).pathname];
  if (!process.env.BENCH_RATES && !process.env.BENCH_CONVERSATIONS && !process.env.BENCH_SECONDS && !process.env.BENCH_WARMUP_MS) {
    charts.push(new URL('../docs/round-trip-latency.svg', import.meta.url).pathname);
  }
  for (const chart of charts) {
    mkdirSync(dirname(chart), { recursive: true });
    writeFileSync(chart, svg);
  }
  return charts.join(' and ');
}

const runs: Sweep[] = [];
for (let run = 1; run <= RUNS; run++) {
  const figures = await sweep(run);
  progressDone();
  printRun(figures, run);
  runs.push(figures);
}
if (RUNS > 1) printRunsSummary(runs, RATES);
const last = runs.at(-1)!;
console.log(`Chart: ${writeChart(last)}`);
// `figures` is the last run (the chart's), as before there were several; `runs` holds them all.
console.log(`Saved ${saveResults('round-trip', { conversations: CONVERSATIONS, seconds: SECONDS, figures: last, runs })}`);
