/**
 * Idle sockets: what one authenticated socket, joined to its visitor's
 * conversation and then left idle, costs the server in memory (RSS and V8
 * heap), at several counts; the same count of joined sockets on a bare
 * Socket.IO server (no auth, no database) in the same run. Each server runs in
 * its own process with a memory probe (GC, then /proc VmRSS and
 * process.memoryUsage()); the sockets come from several client processes, each
 * from its own 127.0.0.x address. One visitor session per socket, started
 * on a first server process; the one measured is a fresh process on the same
 * database, so 'before' is a server just started (and the bare one just
 * started), both after GC. WebSocket transport only.
 * Per socket = (after − before) / N.
 * With BENCH_HEAP_SNAPSHOT=1, each server's heap is also written before and
 * after (bench/results/idle-sockets-SERVER-N-{before,after}.heapsnapshot), to
 * compare in Chrome's memory tools.
 * Then the spread part (lib/spread-idle-sockets.ts): as many sockets as the
 * open-file limit allows over BENCH_SPREAD server processes sharing Postgres
 * and Redis, beside bare Socket.IO processes joined by the Redis adapter.
 * Run: npm run bench -- idle-sockets   (BENCH_SOCKETS=1000,5000,10000 BENCH_CLIENTS=4 BENCH_SETTLE_MS=11000 BENCH_HEAP_SNAPSHOT=1
 *      BENCH_SPREAD=2 BENCH_SPREAD_SOCKETS=38000 BENCH_SPREAD_PER_ADDRESS=1; BENCH_SOCKETS=0 or BENCH_SPREAD=0 leaves a part out)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLoadFleet, type LoadFleet } from './lib/idle-load-fleet.js';
import { startBareTarget, startSessionServer, startTipsyTarget, type Target } from './lib/idle-targets.js';
import type { MemoryFigures } from './lib/probed-process.js';
import { saveResults } from './lib/results.js';
import type { ServerProcess } from './lib/server-process.js';
import { runSpread, SPREAD } from './lib/spread-idle-sockets.js';
import { printTable, progress, progressDone } from './lib/stats.js';

// BENCH_SOCKETS=0 runs the spread part alone.
const SIZES = (process.env.BENCH_SOCKETS ?? '1000,5000,10000').split(',').map(Number).filter((n) => n > 0);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
// Past the default 10 s socket-event window, so the counters the join left behind have expired:
// what remains is what an idle socket holds for as long as it stays open.
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 11_000);
const HEAP_SNAPSHOT = process.env.BENCH_HEAP_SNAPSHOT === '1';
const TARGET_KB = 25;
const ROOT = new URL('../', import.meta.url).pathname;
const RESULTS = `${ROOT}bench/results/`;
const KB = 1024;

interface Step {
  server: 'bare' | 'tipsy';
  sockets: number;
  joined: number;
  failed: number;
  firstError?: string;
  /** Still connected when memory was read. */
  connectedAtRead: number;
  connectSeconds: number;
  before: MemoryFigures;
  after: MemoryFigures;
  rssPerSocketKB: number;
  heapPerSocketKB: number;
  fdLimit: number;
}

async function measure(server: 'bare' | 'tipsy', sockets: number): Promise<Step> {
  const label = `${server} ${sockets}`;
  let fleet: LoadFleet | undefined;
  let sessions: { server: ServerProcess; siteKey: string } | undefined;
  let target: Target | undefined;
  try {
    // A database file of our own: the helper keeps a file it is given, for the second process.
    if (server === 'tipsy') sessions = await startSessionServer({ dbFile: join(mkdtempSync(join(tmpdir(), 'tipsy-idle-')), 'tipsy.db') });
    // Sessions first, on their own server process, so the one measured starts clean.
    fleet = startLoadFleet({
      sockets,
      clients: CLIENTS,
      sessions: sessions && { url: sessions.server.url, siteKey: sessions.siteKey },
      // Each client its own source address: ephemeral ports are counted per address.
      addressOf: (k) => `127.0.0.${2 + k}`,
      onProgress: (phase, done) => progress(`${label}: ${phase} ${done}/${sockets}`),
    });
    await fleet.ready();
    await sessions?.server.stop();

    progress(`${label}: starting the server…`);
    target = sessions ? await startTipsyTarget({ TIPSY_DB: sessions.server.dbFile }) : await startBareTarget(`${ROOT}bench/lib/echo-server.ts`);
    const fdLimit = target.proc.fdLimit;
    if (fdLimit < sockets + 256) throw new Error(`the server may open only ${fdLimit} files: raise the hard limit (ulimit -Hn) above ${sockets + 256}`);
    await sleep(1000);
    const before = await target.proc.memory();
    const snapshot = (when: string) => target!.proc.heapSnapshot(`${RESULTS}idle-sockets-${server}-${sockets}-${when}.heapsnapshot`);
    if (HEAP_SNAPSHOT) {
      mkdirSync(RESULTS, { recursive: true });
      await snapshot('before');
    }
    const t0 = performance.now();
    const connected = await fleet.connect([target.url]);
    const connectSeconds = (performance.now() - t0) / 1000;
    progress(`${label}: ${sockets} joined, settling ${SETTLE_MS / 1000} s…`);
    target.proc.resetPauses(); // from here on the server is idle: any pause is its own housekeeping
    await sleep(SETTLE_MS);
    const after = await target.proc.memory();
    if (HEAP_SNAPSHOT) await snapshot('after');
    const status = await fleet.status();
    const joined = connected.reduce((a, r) => a + (r.joined ?? 0), 0);
    await fleet.close();
    return {
      server,
      sockets,
      joined,
      failed: connected.reduce((a, r) => a + (r.failed ?? 0), 0),
      firstError: connected.find((r) => r.firstError)?.firstError,
      connectedAtRead: status.reduce((a, r) => a + (r.connected ?? 0), 0),
      connectSeconds,
      before,
      after,
      rssPerSocketKB: (after.rss - before.rss) / joined / KB,
      heapPerSocketKB: (after.heapUsed - before.heapUsed) / joined / KB,
      fdLimit,
    };
  } finally {
    await fleet?.stop();
    await target?.proc.stop();
    await sessions?.server.stop();
    if (sessions) rmSync(dirname(sessions.server.dbFile), { recursive: true, force: true });
  }
}

const mb = (bytes: number) => bytes / KB / KB;

/** Measures and prints the single-process steps; resolves to whether every socket joined and held. */
async function runSingle(): Promise<boolean> {
  const steps: Step[] = [];
  for (const sockets of SIZES) {
    for (const server of ['bare', 'tipsy'] as const) steps.push(await measure(server, sockets));
  }
  progressDone();

  console.log(`\nIdle sockets: one per visitor, joined to its conversation, WebSocket only; ${CLIENTS} client processes; read after ${SETTLE_MS / 1000} s idle and GC\n`);
  printTable(
    steps.map((s) => ({
      server: s.server,
      sockets: s.sockets,
      joined: s.joined,
      'open at read': s.connectedAtRead,
      'connect s': s.connectSeconds,
      'RSS before MB': mb(s.before.rss),
      'RSS after MB': mb(s.after.rss),
      'heap before MB': mb(s.before.heapUsed),
      'heap after MB': mb(s.after.heapUsed),
      'RSS/socket KB': s.rssPerSocketKB,
      'heap/socket KB': s.heapPerSocketKB,
      'longest pause ms': s.after.longestPauseMs,
    })),
  );
  if (HEAP_SNAPSHOT) console.log('\nThe heap snapshots were taken in the servers: their own memory is in the RSS figures above; read the heap figures.');
  const failures = steps.filter((s) => s.failed > 0 || s.connectedAtRead < s.joined);
  for (const s of failures) console.log(`\n${s.server} at ${s.sockets}: ${s.failed} failed to join (first: ${s.firstError ?? '-'}), ${s.joined - s.connectedAtRead} dropped before the read`);
  console.log('');
  for (const sockets of SIZES) {
    const [bare, tipsy] = (['bare', 'tipsy'] as const).map((name) => steps.find((s) => s.server === name && s.sockets === sockets)!);
    console.log(
      `At ${sockets}: Tipsy Chat ${tipsy!.rssPerSocketKB.toFixed(1)} KB RSS per socket (${(tipsy!.rssPerSocketKB / bare!.rssPerSocketKB).toFixed(2)}× bare Socket.IO's ${bare!.rssPerSocketKB.toFixed(1)} KB); heap ${tipsy!.heapPerSocketKB.toFixed(1)} KB (${(tipsy!.heapPerSocketKB / bare!.heapPerSocketKB).toFixed(2)}× bare's ${bare!.heapPerSocketKB.toFixed(1)} KB)`,
    );
  }
  const largest = steps.find((s) => s.server === 'tipsy' && s.sockets === Math.max(...SIZES))!;
  console.log(`Target: ≤ ${TARGET_KB} KB RSS per socket at ${largest.sockets}: ${largest.rssPerSocketKB <= TARGET_KB ? 'met' : 'missed'} (${largest.rssPerSocketKB.toFixed(1)} KB)`);
  console.log(`Saved ${saveResults('idle-sockets', { clients: CLIENTS, settleMs: SETTLE_MS, transport: 'websocket', steps })}`);
  return failures.length === 0;
}

const singleHeld = SIZES.length ? await runSingle() : true;
const spreadHeld = SPREAD > 0 ? await runSpread({ clients: CLIENTS, settleMs: SETTLE_MS }) : true;
process.exit(singleHeld && spreadHeld ? 0 : 1);
