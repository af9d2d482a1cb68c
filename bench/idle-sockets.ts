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
 * Run: npm run bench -- idle-sockets   (BENCH_SOCKETS=1000,5000,10000 BENCH_CLIENTS=4 BENCH_SETTLE_MS=11000 BENCH_HEAP_SNAPSHOT=1)
 */
import type { ChildProcess, Serializable } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createQuietSite, ROOMY } from './lib/bench-site.js';
import { nextMessage, printedUrl, startProbed, type MemoryFigures, type ProbedProcess } from './lib/probed-process.js';
import { saveResults } from './lib/results.js';
import { BENCH_ENV, startServerProcess, type ServerProcess } from './lib/server-process.js';
import { printTable, progress, progressDone } from './lib/stats.js';

const SIZES = (process.env.BENCH_SOCKETS ?? '1000,5000,10000').split(',').map(Number);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
// Past the default 10 s socket-event window, so the counters the join left behind have expired:
// what remains is what an idle socket holds for as long as it stays open.
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 11_000);
const HEAP_SNAPSHOT = process.env.BENCH_HEAP_SNAPSHOT === '1';
const TARGET_KB = 25;
const ROOT = new URL('../', import.meta.url).pathname;
const LOAD = `${ROOT}bench/lib/idle-sockets-load.ts`;
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

type Report = { type: string; phase?: string; done?: number; joined?: number; failed?: number; firstError?: string; ms?: number; connected?: number; error?: string };
// A load process that fails says so instead of its expected answer.
const ofType = (type: string) => (m: unknown) => {
  const report = m as Report | null;
  return report?.type === type || report?.type === 'failed' ? report : undefined;
};

// Only the limits a benchmark from a few addresses would hit; socket events keep their default window.
const TIPSY_LIMITS = JSON.stringify({
  sessionsPerIp: ROOMY,
  requestsPerIp: ROOMY,
  socketConnectsPerIp: ROOMY,
  socketHandshakesPerIp: ROOMY,
  socketsPerIp: 100_000,
});

interface Target {
  proc: ProbedProcess;
  url: string;
}

function startBare(): Promise<Target> {
  const proc = startProbed(`${ROOT}bench/lib/echo-server.ts`, { probe: true });
  return nextMessage(proc.child, (m) => (typeof m === 'string' ? m : undefined)).then((url) => ({ proc, url }));
}

/** A site with a silent character in a fresh database, served by a first server process that only starts sessions. */
async function sessionServer(): Promise<{ server: ServerProcess; siteKey: string }> {
  // A database file of our own: the helper keeps a file it is given, for the second process.
  const server = await startServerProcess({ TIPSY_LIMITS }, { dbFile: join(mkdtempSync(join(tmpdir(), 'tipsy-idle-')), 'tipsy.db') });
  return { server, siteKey: (await createQuietSite(server.dbFile, { socketsPerIp: 100_000 })).siteKey };
}

/** The server measured: a fresh process on the same database (tokens stay valid: the signing secret is stored there). */
async function startTipsy(dbFile: string): Promise<Target> {
  const proc = startProbed(`${ROOT}server/main.ts`, {
    probe: true,
    stdout: 'pipe',
    env: { ...BENCH_ENV, TIPSY_DB: dbFile, TIPSY_LIMITS },
  });
  return { proc, url: await printedUrl(proc.child) };
}

/** Sends `message` to every load process and waits for each one's answer of `type`. */
function all(loads: ChildProcess[], type: string, message: Serializable | undefined, timeoutMs: number): Promise<Report[]> {
  const answers = loads.map((load) => nextMessage(load, ofType(type), timeoutMs));
  if (message !== undefined) for (const load of loads) load.send(message);
  return Promise.all(answers);
}

async function measure(server: 'bare' | 'tipsy', sockets: number): Promise<Step> {
  const label = `${server} ${sockets}`;
  const sessions = server === 'tipsy' ? await sessionServer() : undefined;
  const loads: ProbedProcess[] = [];
  let target: Target | undefined;
  try {
    // Sessions first, on their own server process, so the one measured starts clean.
    const done: Record<string, number[]> = { sessions: [], sockets: [] };
    for (let k = 0; k < CLIENTS; k++) {
      const share = Math.floor(sockets / CLIENTS) + (k < sockets % CLIENTS ? 1 : 0);
      const offset = k * Math.ceil(sockets / CLIENTS);
      // Each client its own source address: ephemeral ports are counted per address.
      const args = [sessions?.server.url ?? '-', sessions?.siteKey ?? '-', String(share), `127.0.0.${2 + k}`, String(offset)];
      const load = startProbed(LOAD, { args });
      load.child.on('message', (m: Report) => {
        if (m.type !== 'progress' || !m.phase) return;
        done[m.phase]![k] = m.done ?? 0;
        progress(`${label}: ${m.phase} ${done[m.phase]!.reduce((a, b) => a + b, 0)}/${sockets}`);
      });
      loads.push(load);
    }
    const children = loads.map((l) => l.child);
    const failure = (await all(children, 'ready', undefined, 600_000)).find((r) => r.type === 'failed');
    if (failure) throw new Error(`a load process failed: ${failure.error}`);
    await sessions?.server.stop();

    progress(`${label}: starting the server…`);
    target = server === 'tipsy' ? await startTipsy(sessions!.server.dbFile) : await startBare();
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
    const connected = await all(children, 'connected', { type: 'connect', url: target.url }, 600_000);
    const connectSeconds = (performance.now() - t0) / 1000;
    progress(`${label}: ${sockets} joined, settling ${SETTLE_MS / 1000} s…`);
    target.proc.resetPauses(); // from here on the server is idle: any pause is its own housekeeping
    await sleep(SETTLE_MS);
    const after = await target.proc.memory();
    if (HEAP_SNAPSHOT) await snapshot('after');
    const status = await all(children, 'status', 'status', 30_000);
    const joined = connected.reduce((a, r) => a + (r.joined ?? 0), 0);
    for (const load of children) load.send('close');
    await Promise.all(loads.map((l) => l.stop(5000)));
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
    await Promise.all(loads.map((l) => l.stop(1000)));
    await target?.proc.stop();
    await sessions?.server.stop();
    if (sessions) rmSync(dirname(sessions.server.dbFile), { recursive: true, force: true });
  }
}

const steps: Step[] = [];
for (const sockets of SIZES) {
  for (const server of ['bare', 'tipsy'] as const) steps.push(await measure(server, sockets));
}
progressDone();

const mb = (bytes: number) => bytes / KB / KB;
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
process.exit(failures.length ? 1 : 0);
