/**
 * Durable writes: the most acked messages per second the server sustains on
 * SQLite (WAL). Senders keep a window of sends in flight (closed loop) and
 * count acks, each given only after the message is committed. Beside it in
 * the same run: the bare Socket.IO echo server under the same load (no
 * database), and raw better-sqlite3 doing the same inserts with nothing around them.
 * Run: npm run bench -- durable-writes   (BENCH_SOCKETS=100 BENCH_WINDOW=16 BENCH_SECONDS=5 BENCH_PROFILE_DIR=dir)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startQuietServer } from './lib/bench-site.js';
import { printSelfTime, profileOf, topSelfTime } from './lib/cpu-profile.js';
import { startEchoServer } from './lib/echo-baseline.js';
import type { ClosedLoopResult as LoadResult } from './lib/closed-loop-load.js';
import { runLoadProcess } from './lib/load-process.js';
import { measureRawMessageWrites } from './lib/raw-message-writes.js';
import { saveResults } from './lib/results.js';
import { printTable, progress, progressDone } from './lib/stats.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 100);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LOAD = new URL('./lib/closed-loop-load.ts', import.meta.url).pathname;

progress(`raw better-sqlite3 inserts for ${SECONDS} s each…`);
const raw = await measureRawMessageWrites(SECONDS);
const echo = await startEchoServer();
const { server, siteKey } = await startQuietServer();
const serverPid = server.child.pid;
try {
  progress(`bare Socket.IO: ${SOCKETS} sockets × ${WINDOW} in flight for ${SECONDS} s…`);
  const bare = await runLoadProcess<LoadResult>(LOAD, [echo.url, '-', SOCKETS, WINDOW, SECONDS]);
  progress(`Tipsy Chat: ${SOCKETS} sockets × ${WINDOW} in flight for ${SECONDS} s…`);
  const tipsy = await runLoadProcess<LoadResult>(LOAD, [server.url, siteKey, SOCKETS, WINDOW, SECONDS]);
  progressDone();
  console.log(`\nDurable writes: ${SOCKETS} sockets, ${WINDOW} sends in flight each, ${SECONDS} s\n`);
  printTable([
    { what: 'raw better-sqlite3, 1 message per transaction', 'msgs/s': raw.perTransaction, 'ack p50 ms': '', 'ack p99 ms': '', errors: '' },
    { what: `raw better-sqlite3, ${raw.batch} per transaction`, 'msgs/s': raw.batched, 'ack p50 ms': '', 'ack p99 ms': '', errors: '' },
    { what: 'bare Socket.IO echo (no database)', 'msgs/s': bare.ackedPerSecond, 'ack p50 ms': bare.ack.p50, 'ack p99 ms': bare.ack.p99, errors: bare.errors },
    { what: 'Tipsy Chat (acked after commit)', 'msgs/s': tipsy.ackedPerSecond, 'ack p50 ms': tipsy.ack.p50, 'ack p99 ms': tipsy.ack.p99, errors: tipsy.errors },
  ]);
  console.log(`\nTipsy Chat / bare Socket.IO: ${(tipsy.ackedPerSecond / bare.ackedPerSecond).toFixed(2)}×`);
  console.log(`Saved ${saveResults('durable-writes', { sockets: SOCKETS, window: WINDOW, seconds: SECONDS, raw, bare, tipsy })}`);
} finally {
  await server.stop();
  echo.stop();
}

// With BENCH_PROFILE_DIR set, the server wrote a CPU profile as it stopped: where its busy time went.
const profileDir = process.env.BENCH_PROFILE_DIR;
const profile = profileDir && profileOf(profileDir, serverPid);
if (profile) {
  const top = topSelfTime(profile, 10);
  console.log(`\nServer CPU while up (${(top.total / 1000).toFixed(1)} s busy, start-up included; self time): ${profile}\n`);
  printSelfTime(top);
}
