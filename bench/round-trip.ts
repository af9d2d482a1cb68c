/**
 * Round trip under load: send → durable write → ack, and → receipt by a second
 * socket in the same conversation, at several offered rates spread over many
 * conversations; the same load against a bare Socket.IO echo server (no auth,
 * no database) in the same run. Server, baseline and load generator each run
 * in their own process. Messaging alone: the characters do not reply here.
 * Each rate is measured after a warm-up at that rate (3 s) that is not counted.
 * Run: npm run bench -- round-trip   (BENCH_RATES=100,1000 BENCH_CONVERSATIONS=200 BENCH_SECONDS=5 BENCH_WARMUP_MS=3000)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { startQuietServer } from './lib/bench-site.js';
import { startEchoServer } from './lib/echo-baseline.js';
import type { RoundTripResult as LoadResult } from './lib/round-trip-load.js';
import { runLoadProcess } from './lib/load-process.js';
import { latencyChart } from './lib/latency-chart.js';
import { highestRateHeld, holds, RECEIPT_P99_TARGET_MS } from './lib/rate-held.js';
import { saveResults } from './lib/results.js';
import { printTable, progress, progressDone } from './lib/stats.js';

const RATES = (process.env.BENCH_RATES ?? '100,1000,2000,3000,4000,5000').split(',').map(Number);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LOAD = new URL('./lib/round-trip-load.ts', import.meta.url).pathname;

const echo = await startEchoServer();
const { server, siteKey } = await startQuietServer();
try {
  const rows: Record<string, string | number>[] = [];
  const figures: Record<string, Record<number, LoadResult>> = { tipsy: {}, bare: {} };
  for (const rate of RATES) {
    for (const [name, url, key] of [['bare', echo.url, '-'], ['tipsy', server.url, siteKey]] as const) {
      progress(`${name} at ${rate} msgs/s over ${CONVERSATIONS} conversations…`);
      const result = await runLoadProcess<LoadResult>(LOAD, [url, key, rate, CONVERSATIONS, SECONDS]);
      figures[name]![rate] = result;
      rows.push({
        server: name,
        offered: rate,
        achieved: result.achievedRate,
        'ack p50': result.ack.p50,
        'ack p99': result.ack.p99,
        'receipt p50': result.receipt.p50,
        'receipt p99': result.receipt.p99,
        'receipt max': result.receipt.max,
        'not received': result.sent - result.received,
      });
    }
  }
  progressDone();
  console.log(`\nRound trip (ms): ${CONVERSATIONS} conversations, ${SECONDS} s per rate, sender and receiver sockets\n`);
  printTable(rows);
  const held = (name: string) => highestRateHeld(new Map(RATES.map((rate) => [rate, figures[name]![rate]!])));
  console.log(`\nHighest offered rate held with receipt p99 ≤ 25 ms (and every lower rate too): Tipsy Chat ${held('tipsy')} msgs/s, bare Socket.IO ${held('bare')} msgs/s`);
  const top = Math.max(...RATES);
  const atTop = figures.tipsy![top]!;
  console.log(`At ${top} msgs/s, Tipsy Chat: ack p99 ${atTop.ack.p99.toFixed(1)} ms, receipt p99 ${atTop.receipt.p99.toFixed(1)} ms (target ≤ 25 ms): ${atTop.ack.p99 <= RECEIPT_P99_TARGET_MS && holds(atTop) ? 'met' : 'missed'}`);
  const series = (name: 'tipsy' | 'bare', label: string, color: string) => ({
    name: label,
    color,
    points: RATES.map((rate) => ({ rate, p50: figures[name]![rate]!.receipt.p50, p99: figures[name]![rate]!.receipt.p99 })),
  });
  const svg = latencyChart(`Send → receipt by a second socket, ${CONVERSATIONS.toLocaleString('en')} conversations`, [
    series('tipsy', 'Tipsy Chat (stored, then sent)', '#6d28d9'),
    series('bare', 'bare Socket.IO echo (no database)', '#0891b2'),
  ]);
  const charts = [new URL('./results/round-trip-latency.svg', import.meta.url).pathname];
  // The chart in docs/ shows the documented run: the default settings only.
  if (!process.env.BENCH_RATES && !process.env.BENCH_CONVERSATIONS && !process.env.BENCH_SECONDS && !process.env.BENCH_WARMUP_MS) {
    charts.push(new URL('../docs/round-trip-latency.svg', import.meta.url).pathname);
  }
  for (const chart of charts) {
    mkdirSync(dirname(chart), { recursive: true });
    writeFileSync(chart, svg);
  }
  const chart = charts.join(' and ');
  console.log(`Chart: ${chart}`);
  console.log(`Saved ${saveResults('round-trip', { conversations: CONVERSATIONS, seconds: SECONDS, figures })}`);
} finally {
  await server.stop();
  echo.stop();
}
