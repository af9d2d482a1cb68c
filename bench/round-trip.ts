/**
 * Round trip under load: send → durable write → ack, and → receipt by a second
 * socket in the same conversation, at several offered rates spread over many
 * conversations; the same load against a bare Socket.IO echo server (no auth,
 * no database) in the same run. Server, baseline and load generator each run
 * in their own process. Messaging alone: the characters do not reply here.
 * Run: npm run bench -- round-trip   (BENCH_RATES=100,1000 BENCH_CONVERSATIONS=200 BENCH_SECONDS=5)
 */
import { execFile, fork } from 'node:child_process';
import { createSite, updateSite } from '../server/auth/sites.js';
import { upsertCharacter } from '../server/characters/store.js';
import { openSqlite } from '../server/db/database.js';
import { saveResults } from './lib/results.js';
import { startServerProcess } from './lib/server-process.js';
import { printTable, progress, progressDone } from './lib/stats.js';

const RATES = (process.env.BENCH_RATES ?? '100,1000,2000,5000').split(',').map(Number);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LOAD = new URL('./lib/round-trip-load.ts', import.meta.url).pathname;

interface LoadResult {
  sent: number;
  acked: number;
  received: number;
  errors: number;
  achievedRate: number;
  ack: { p50: number; p99: number; max: number };
  receipt: { p50: number; p99: number; max: number };
}

const runLoad = (url: string, siteKey: string, rate: number) =>
  new Promise<LoadResult>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', LOAD, url, siteKey, String(rate), String(CONVERSATIONS), String(SECONDS)], { maxBuffer: 1 << 20 }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as LoadResult),
    ),
  );

const echo = fork(new URL('./lib/echo-server.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'] });
process.once('exit', () => echo.kill()); // never leave the baseline running
const echoUrl = await new Promise<string>((resolve) => echo.once('message', (m) => resolve(String(m))));
const roomy = { points: 1_000_000, seconds: 60 };
const server = await startServerProcess({
  TIPSY_LIMITS: JSON.stringify({ sessionsPerIp: roomy, requestsPerIp: roomy, socketConnectsPerIp: roomy, socketEvents: roomy, messageBurst: roomy, messageSustained: roomy, socketsPerIp: 100_000 }),
});
try {
  const db = openSqlite(server.dbFile);
  const site = await createSite(db, { name: 'Bench', origins: [] });
  await updateSite(db, site.siteId, { limits: { sessionsPerIp: roomy } });
  await upsertCharacter(db, site.siteId, { slug: 'quiet', name: 'Quiet', responder: { kind: 'none' } });
  await db.destroy();

  const rows: Record<string, string | number>[] = [];
  const figures: Record<string, Record<number, LoadResult>> = { tipsy: {}, bare: {} };
  for (const rate of RATES) {
    for (const [name, url, key] of [['bare', echoUrl, '-'], ['tipsy', server.url, site.publishableKey]] as const) {
      progress(`${name} at ${rate} msgs/s over ${CONVERSATIONS} conversations…`);
      const result = await runLoad(url, key, rate);
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
        lost: result.sent - result.received,
      });
    }
  }
  progressDone();
  console.log(`\nRound trip (ms): ${CONVERSATIONS} conversations, ${SECONDS} s per rate, sender and receiver sockets\n`);
  printTable(rows);
  const held = (name: string) => Math.max(0, ...RATES.filter((r) => (figures[name]![r]?.receipt.p99 ?? Infinity) <= 25 && figures[name]![r]!.sent - figures[name]![r]!.received === 0));
  console.log(`\nHighest offered rate held with receipt p99 ≤ 25 ms: Tipsy Chat ${held('tipsy')} msgs/s, bare Socket.IO ${held('bare')} msgs/s`);
  console.log(`Saved ${saveResults('round-trip', { conversations: CONVERSATIONS, seconds: SECONDS, figures })}`);
} finally {
  await server.stop();
  echo.kill();
}
