/**
 * The spread part of the idle-sockets benchmark: idle, joined sockets over
 * BENCH_SPREAD server processes sharing one Postgres database and one Redis
 * (the setup of several machines), beside the same count on as many bare
 * Socket.IO processes joined by the Redis adapter. Prints a row per process
 * and the totals, what limits the count on this machine and what the aim of
 * 100,000 would need, and saves the figures (bench/results/idle-sockets-spread.json).
 * BENCH_SPREAD=0 leaves it out; BENCH_SPREAD_SOCKETS (default: as many as the
 * open-file limit allows); BENCH_SPREAD_PER_ADDRESS sockets per source
 * address (default 1: every visitor on its own network). Many sockets behind
 * one address make every connect list the address's sockets on every process
 * through Redis: with thousands, those answers overflow Redis's output buffer
 * for subscribers, which then drops the adapter's connection.
 */
import { saveResults } from './results.js';
import { AIM, planSpread } from './spread-capacity.js';
import { measureSpread, type ProcessFigures, type SpreadStep } from './spread-idle-measure.js';
import { fmt, printTable, progressDone } from './stats.js';

export const SPREAD = Number(process.env.BENCH_SPREAD ?? 2);
const REQUESTED = process.env.BENCH_SPREAD_SOCKETS ? Number(process.env.BENCH_SPREAD_SOCKETS) : undefined;
const PER_ADDRESS = Number(process.env.BENCH_SPREAD_PER_ADDRESS ?? 1);
const TARGET_KB = 12;
const KB = 1024;

const mb = (bytes: number) => bytes / KB / KB;
const total = (rows: ProcessFigures[], pick: (p: ProcessFigures) => number) => rows.reduce((a, p) => a + pick(p), 0);

/** What one row of the table says, for one process or for all of them. */
interface Figures {
  sockets: number;
  joined: number;
  connectedAtRead: number;
  openFiles: number;
  connectSeconds: number;
  rssBefore: number;
  rssAfter: number;
  heapBefore: number;
  heapAfter: number;
  longestPauseMs: number;
}

const ofProcess = (p: ProcessFigures): Figures => ({
  ...p,
  rssBefore: p.before.rss,
  rssAfter: p.after.rss,
  heapBefore: p.before.heapUsed,
  heapAfter: p.after.heapUsed,
  longestPauseMs: p.after.longestPauseMs,
});

/** The processes together: sums, the longest pause of any, and the connect time of the whole step. */
function ofAll(step: SpreadStep): Figures {
  const each = step.processes.map(ofProcess);
  const sum = (key: keyof Figures) => each.reduce((a, f) => a + f[key], 0);
  return {
    sockets: step.sockets,
    joined: sum('joined'),
    connectedAtRead: sum('connectedAtRead'),
    openFiles: sum('openFiles'),
    connectSeconds: step.connectSeconds,
    rssBefore: sum('rssBefore'),
    rssAfter: sum('rssAfter'),
    heapBefore: sum('heapBefore'),
    heapAfter: sum('heapAfter'),
    longestPauseMs: Math.max(...each.map((f) => f.longestPauseMs)),
  };
}

const perSocketKB = (f: Figures, before: number, after: number) => (after - before) / f.joined / KB;

function row(server: string, process: string, f: Figures): Record<string, string | number> {
  return {
    server,
    process,
    sockets: f.sockets,
    joined: f.joined,
    'open at read': f.connectedAtRead,
    'open files': f.openFiles,
    'connect s': f.connectSeconds,
    'RSS before MB': mb(f.rssBefore),
    'RSS after MB': mb(f.rssAfter),
    'heap before MB': mb(f.heapBefore),
    'heap after MB': mb(f.heapAfter),
    'RSS/socket KB': perSocketKB(f, f.rssBefore, f.rssAfter),
    'heap/socket KB': perSocketKB(f, f.heapBefore, f.heapAfter),
    'longest pause ms': f.longestPauseMs,
  };
}

/** What a socket cost over all the processes. */
function perSocket(step: SpreadStep): { rssPerSocketKB: number; heapPerSocketKB: number } {
  const all = ofAll(step);
  return { rssPerSocketKB: perSocketKB(all, all.rssBefore, all.rssAfter), heapPerSocketKB: perSocketKB(all, all.heapBefore, all.heapAfter) };
}

const rows = (step: SpreadStep) => [...step.processes.map((p, i) => row(step.server, String(i + 1), ofProcess(p))), row(step.server, 'all', ofAll(step))];

/** Measures and prints the spread part; resolves to whether every socket joined and held. */
export async function runSpread({ clients, settleMs }: { clients: number; settleMs: number }): Promise<boolean> {
  const plan = planSpread(SPREAD, clients, REQUESTED);
  console.log(`\nSpread: ${fmt(plan.sockets)} idle sockets over ${SPREAD} server processes (Postgres, Redis), ${plan.clients} client processes, ${PER_ADDRESS} socket(s) per source address`);
  console.log(`The count is limited by ${plan.limitedBy}.`);
  const steps: SpreadStep[] = [];
  for (const server of ['bare', 'tipsy'] as const) {
    steps.push(await measureSpread({ server, sockets: plan.sockets, processes: SPREAD, clients: plan.clients, socketsPerAddress: PER_ADDRESS, settleMs }));
  }
  progressDone();

  console.log(`\nIdle sockets over ${SPREAD} processes: one per visitor, joined to its conversation, WebSocket only; ${plan.clients} client processes; read after ${settleMs / 1000} s idle and GC\n`);
  printTable(steps.flatMap(rows));
  const failures = steps.filter((s) => s.failed > 0 || s.processes.some((p) => p.connectedAtRead < p.joined));
  for (const s of failures) {
    const dropped = total(s.processes, (p) => p.joined - p.connectedAtRead);
    console.log(`\n${s.server} over ${SPREAD}: ${s.failed} failed to join (first: ${s.firstError ?? '-'}), ${dropped} dropped before the read`);
  }
  const [bareStep, tipsyStep] = steps as [SpreadStep, SpreadStep];
  const [bare, tipsy] = [perSocket(bareStep), perSocket(tipsyStep)];
  console.log('');
  console.log(
    `At ${fmt(plan.sockets)} over ${SPREAD} processes: Tipsy Chat ${tipsy.rssPerSocketKB.toFixed(1)} KB RSS per socket (${(tipsy.rssPerSocketKB / bare.rssPerSocketKB).toFixed(2)}× bare Socket.IO's ${bare.rssPerSocketKB.toFixed(1)} KB); ` +
      `heap ${tipsy.heapPerSocketKB.toFixed(1)} KB (${(tipsy.heapPerSocketKB / bare.heapPerSocketKB).toFixed(2)}× bare's ${bare.heapPerSocketKB.toFixed(1)} KB)`,
  );
  console.log(`Connecting them all took ${tipsyStep.connectSeconds.toFixed(1)} s (bare ${bareStep.connectSeconds.toFixed(1)} s); starting the ${fmt(plan.sockets)} sessions ${tipsyStep.sessionSeconds?.toFixed(1)} s`);
  console.log(`Target: ≤ ${TARGET_KB} KB RSS per socket at ${fmt(plan.sockets)}: ${tipsy.rssPerSocketKB <= TARGET_KB ? 'met' : 'missed'} (${tipsy.rssPerSocketKB.toFixed(1)} KB)`);
  if (plan.needsForAim) console.log(`The aim of ${fmt(AIM)} cannot be held on this machine: ${plan.needsForAim}.`);
  console.log(`Saved ${saveResults('idle-sockets-spread', { processes: SPREAD, settleMs, transport: 'websocket', fileLimit: plan.fileLimit, perProcess: plan.perProcess, steps })}`);
  return failures.length === 0;
}
