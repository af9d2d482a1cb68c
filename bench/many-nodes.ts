/**
 * Round trip on one process and on two behind nginx: send → durable write →
 * ack, and → receipt by a second socket in the same conversation, at several
 * offered rates (the round-trip load, bench/lib/round-trip-load.ts), against,
 * in the same run: the bare Socket.IO echo server and Tipsy Chat on Postgres,
 * each as one process, then as two processes joined through Redis behind a
 * real nginx. Behind nginx every sender is on the first process and every
 * receiver on the second, so each message crosses processes through Redis.
 * Each server's CPU time over each measured window says what limits the
 * figures: on a 2-core machine the two-process runs put five processes
 * (two servers, nginx, Redis, the load generator; and Postgres) on two cores.
 * Run: npm run bench -- many-nodes   (BENCH_RATES=500,1000,2000,3000 BENCH_CONVERSATIONS=500 BENCH_SECONDS=5 BENCH_WARMUP_MS=3000)
 */
import { runLoadProcess } from './lib/load-process.js';
import { highestRateHeld, holds, RECEIPT_P99_TARGET_MS } from './lib/rate-held.js';
import type { RoundTripResult } from './lib/round-trip-load.js';
import { latencyColumns } from './lib/round-trip-runs.js';
import { startBareOneNode, startBareTwoNodes, startTipsyOneNode, startTipsyTwoNodes, type RoundTripTarget } from './lib/round-trip-targets.js';
import { saveResults } from './lib/results.js';
import { fmt, printTable, progress, progressDone } from './lib/stats.js';
import { Teardown } from './lib/teardown.js';

const RATES = (process.env.BENCH_RATES ?? '500,1000,2000,3000').split(',').map(Number);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LOAD = new URL('./lib/round-trip-load.ts', import.meta.url).pathname;

/** CPU ms per 1,000 messages sent in the measured window. */
const per1k = (ms: number, result: RoundTripResult) => (ms * 1000) / result.sent;

function latencyRow(target: RoundTripTarget, rate: number, result: RoundTripResult): Record<string, string | number> {
  return { server: target.name, ...latencyColumns(rate, result) };
}

/** Where the CPU went, per 1,000 messages: each server process, nginx's worker, the load generator. */
function cpuRow(target: RoundTripTarget, rate: number, result: RoundTripResult): Record<string, string | number> {
  const { ms, loadMs } = result.cpu!;
  const servers = ms.slice(0, target.serverPids.length);
  const proxy = ms.slice(target.serverPids.length).reduce((a, b) => a + b, 0);
  const serversTotal = servers.reduce((a, b) => a + b, 0);
  const total = serversTotal + proxy + loadMs;
  return {
    server: target.name,
    offered: rate,
    'servers, each': servers.map((m) => fmt(per1k(m, result))).join(' + '),
    servers: Math.round(per1k(serversTotal, result)),
    nginx: target.proxyPids.length ? Math.round(per1k(proxy, result)) : '',
    'load generator': Math.round(per1k(loadMs, result)),
    'all measured': Math.round(per1k(total, result)),
    // What the measured processes kept busy, in cores (the window runs a second past the sends, for the last arrivals).
    cores: (total / ((SECONDS + 1) * 1000)).toFixed(2),
  };
}

const teardown = new Teardown();
try {
  progress('starting the servers, nginx in front of the pairs…');
  const targets = [
    await startBareOneNode(teardown),
    await startTipsyOneNode(teardown),
    await startBareTwoNodes(teardown, CONVERSATIONS),
    await startTipsyTwoNodes(teardown, CONVERSATIONS),
  ];
  const figures = new Map(targets.map((target) => [target, new Map<number, RoundTripResult>()]));
  for (const rate of RATES) {
    for (const target of targets) {
      progress(`${target.name} at ${rate} msgs/s over ${CONVERSATIONS} conversations…`);
      const pids = [...target.serverPids, ...target.proxyPids].join(',');
      const result = await runLoadProcess<RoundTripResult>(LOAD, [target.url, target.siteKey, rate, CONVERSATIONS, SECONDS, target.nodes, pids]);
      figures.get(target)!.set(rate, result);
    }
  }
  progressDone();

  const each = (row: typeof latencyRow) => RATES.flatMap((rate) => targets.map((target) => row(target, rate, figures.get(target)!.get(rate)!)));
  console.log(`\nRound trip (ms): ${CONVERSATIONS} conversations, ${SECONDS} s per rate, sender and receiver sockets (behind nginx: senders on one process, receivers on the other)\n`);
  printTable(each(latencyRow));
  console.log(`\nCPU ms per 1,000 messages over the measured window (Postgres and Redis not counted: they serve others on this machine too)\n`);
  printTable(each(cpuRow));
  console.log(`\nHighest offered rate held (receipt p99 ≤ ${RECEIPT_P99_TARGET_MS} ms, every message received, every lower rate held too):`);
  for (const target of targets) {
    const results = figures.get(target)!;
    const missed = RATES.filter((rate) => !holds(results.get(rate)!));
    console.log(`  ${target.name}: ${highestRateHeld(results)} msgs/s${missed.length ? ` (missed at ${missed.join(', ')})` : ''}`);
  }
  const saved = Object.fromEntries(targets.map((target) => [target.name, Object.fromEntries(figures.get(target)!)]));
  console.log(`Saved ${saveResults('many-nodes', { conversations: CONVERSATIONS, seconds: SECONDS, rates: RATES, figures: saved })}`);
} finally {
  await teardown.run();
}
