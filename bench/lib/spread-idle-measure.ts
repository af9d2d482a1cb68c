/**
 * One step of the spread idle-sockets part: `sockets` idle, joined sockets
 * spread evenly over `processes` server processes that share one Redis (and,
 * for Tipsy Chat, one Postgres database), as a deployment of several
 * processes runs; memory read in every process before the first socket and
 * after the settle time, with a GC. Every process it starts is stopped, the
 * database dropped and this run's Redis keys deleted, however the step ends.
 */
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_REDIS_URL, createBenchDatabase, type BenchDatabase } from './bench-database.js';
import { startLoadFleet, type LoadFleet, type LoadReport } from './idle-load-fleet.js';
import { startBareTarget, startSessionServer, startTipsyTarget, type Target } from './idle-targets.js';
import type { MemoryFigures } from './probed-process.js';
import { progressMeter, type ProgressMeter } from './progress-meter.js';
import { dropRedisKeys, uniqueRedisPrefix } from './redis-keys.js';
import type { ServerProcess } from './server-process.js';
import { progress } from './stats.js';

const BARE = new URL('./spread-bare-server.ts', import.meta.url).pathname;
const KB = 1024;

export interface SpreadOptions {
  server: 'bare' | 'tipsy';
  sockets: number;
  processes: number;
  clients: number;
  socketsPerAddress: number;
  settleMs: number;
}

export interface ProcessFigures {
  sockets: number;
  joined: number;
  /** Still connected when memory was read, by the clients' count. */
  connectedAtRead: number;
  /** Descriptors the process held at the read (/proc/<pid>/fd): its sockets and the rest. */
  openFiles: number;
  /** From the first connect to the last socket joined on this process. */
  connectSeconds: number;
  before: MemoryFigures;
  after: MemoryFigures;
  rssPerSocketKB: number;
  heapPerSocketKB: number;
}

export interface SpreadStep {
  server: 'bare' | 'tipsy';
  sockets: number;
  clients: number;
  socketsPerAddress: number;
  /** Starting the visitor sessions (Tipsy Chat only). */
  sessionSeconds?: number;
  connectSeconds: number;
  failed: number;
  firstError?: string;
  processes: ProcessFigures[];
}

const perSocketKB = (before: number, after: number, sockets: number) => (after - before) / sockets / KB;
const sum = (reports: LoadReport[], pick: (r: LoadReport) => number | null | undefined) => reports.reduce((a, r) => a + (pick(r) ?? 0), 0);

export async function measureSpread(options: SpreadOptions): Promise<SpreadStep> {
  const { server, sockets, processes, clients, settleMs } = options;
  const label = `${server} ${sockets} over ${processes}`;
  const prefix = uniqueRedisPrefix('idle');
  let database: BenchDatabase | undefined;
  let sessions: { server: ServerProcess; siteKey: string } | undefined;
  let fleet: LoadFleet | undefined;
  const targets: Target[] = [];
  let cleaning: Promise<void> | undefined;
  // Each step runs even when one before it failed: the database is dropped whatever else went wrong.
  const steps: [string, () => Promise<unknown> | undefined][] = [
    ['stop the client processes', () => fleet?.stop()],
    ['stop the server processes', () => Promise.all(targets.map((t) => t.proc.stop()))],
    ['stop the session server', () => sessions?.server.stop()],
    ['drop the database', () => database?.drop()],
    ['delete the Redis keys', () => dropRedisKeys(BENCH_REDIS_URL, prefix)],
  ];
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const [what, step] of steps) await Promise.resolve().then(step).catch((error: unknown) => console.error(`Could not ${what}:`, error));
    })());
  // Interrupted, the database is dropped all the same; the listeners go with the step.
  const interrupted = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    let sessionSeconds: number | undefined;
    if (server === 'tipsy') {
      database = await createBenchDatabase('postgres');
      sessions = await startSessionServer({ database });
    }
    const meters: Partial<Record<'sessions' | 'sockets', ProgressMeter>> = {};
    const meter = (phase: 'sessions' | 'sockets') => (meters[phase] ??= progressMeter(`${label}: ${phase}`, sockets, phase));
    fleet = startLoadFleet({
      sockets,
      clients,
      sessions: sessions && { url: sessions.server.url, siteKey: sessions.siteKey },
      // Client k from 127.(k+1).0.1 on: as many networks as the sockets ask, none shared between clients.
      addressOf: (k) => `127.${k + 1}.0.1`,
      socketsPerAddress: options.socketsPerAddress,
      onProgress: (phase, done) => meter(phase).update(done),
    });
    const sessionsStarted = performance.now();
    if (sessions) meter('sessions');
    await fleet.ready();
    if (sessions) {
      sessionSeconds = (performance.now() - sessionsStarted) / 1000;
      meters.sessions!.finish(sockets);
      await sessions.server.stop();
    }

    const env = database && { ...database.env, TIPSY_REDIS_URL: BENCH_REDIS_URL, TIPSY_REDIS_PREFIX: prefix };
    for (let p = 0; p < processes; p++) {
      progress(`${label}: starting server process ${p + 1}…`);
      targets.push(env ? await startTipsyTarget(env) : await startBareTarget(BARE, [BENCH_REDIS_URL, prefix]));
    }
    const shares = targets.map((_, p) => Math.floor(sockets / processes) + (p < sockets % processes ? 1 : 0));
    for (const [p, target] of targets.entries()) {
      if (target.proc.fdLimit < shares[p]! + 256) throw new Error(`server process ${p + 1} may open only ${target.proc.fdLimit} files, fewer than its ${shares[p]} sockets need`);
    }
    await sleep(1000);
    const before = await Promise.all(targets.map((t) => t.proc.memory()));
    meter('sockets');
    const t0 = performance.now();
    const connected = await fleet.connect(targets.map((t) => t.url));
    const connectSeconds = (performance.now() - t0) / 1000;
    meters.sockets!.finish(sum(connected, (r) => r.joined));
    progress(`${label}: settling ${settleMs / 1000} s…`);
    for (const target of targets) target.proc.resetPauses(); // from here on the servers are idle
    await sleep(settleMs);
    const after = await Promise.all(targets.map((t) => t.proc.memory()));
    const openFiles = targets.map((t) => readdirSync(`/proc/${t.proc.pid}/fd`).length);
    const status = await fleet.status();
    await fleet.close();
    return {
      server,
      sockets,
      clients,
      socketsPerAddress: options.socketsPerAddress,
      sessionSeconds,
      connectSeconds,
      failed: sum(connected, (r) => r.failed),
      firstError: connected.find((r) => r.firstError)?.firstError,
      processes: targets.map((_, p) => {
        const joined = sum(connected, (r) => r.joinedPerUrl?.[p]);
        return {
          sockets: shares[p]!,
          joined,
          connectedAtRead: sum(status, (r) => r.connectedPerUrl?.[p]),
          openFiles: openFiles[p]!,
          connectSeconds: Math.max(...connected.map((r) => r.lastJoinMsPerUrl?.[p] ?? 0)) / 1000,
          before: before[p]!,
          after: after[p]!,
          rssPerSocketKB: perSocketKB(before[p]!.rss, after[p]!.rss, joined),
          heapPerSocketKB: perSocketKB(before[p]!.heapUsed, after[p]!.heapUsed, joined),
        };
      }),
    };
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await cleanUp();
  }
}
