/**
 * HTTP: requests/s and latency of two tRPC procedures against three baselines,
 * with the same load generator (autocannon, in its own process), the same
 * concurrency and the same duration, in the same run:
 * - a bare Fastify route and a bare tRPC procedure (same adapter, no work)
 *   answering the same bytes;
 * - the same procedure's work served by a plain Fastify route in the same
 *   server process (bench/lib/plain-routes-server.ts): what tRPC costs on top of our work.
 * The procedures:
 * - session.start (POST): a write too, each call stores a new visitor and conversation;
 * - conversation.history (GET, bearer token): a 50-message page of a 100-message conversation.
 * Each procedure gets a fresh server (its own process and database). With
 * BENCH_PROFILE=1 the server's CPU is profiled during its measured run (a
 * second run, so the figures are not the profiler's), and the functions and
 * packages with the most self time are printed. Server CPU per request is read
 * from /proc (all the server's threads), so it holds even on a busy machine.
 * Run: npm run bench -- http   (BENCH_SECONDS=10 BENCH_CONNECTIONS=16 BENCH_PROFILE=1)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postMessage } from '../server/chat/messages.js';
import { openSqlite } from '../server/db/database.js';
import { createQuietSite, ROOMY } from './lib/bench-site.js';
import { printSelfTime, topSelfTime, type SelfTime } from './lib/cpu-profile.js';
import type { HttpLoad, HttpLoadResult } from './lib/http-load.js';
import { cpuSecondsOf, nextMessage, printedUrl, startProbed } from './lib/probed-process.js';
import { saveResults } from './lib/results.js';
import { BENCH_ENV } from './lib/server-process.js';
import { printTable, progress, progressDone } from './lib/stats.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PROFILE = process.env.BENCH_PROFILE === '1';
const HISTORY_MESSAGES = 100;
const PAGE = 50;
const ROOT = new URL('../', import.meta.url).pathname;
const RESULTS = `${ROOT}bench/results/`;

type Request = Omit<HttpLoad, 'connections' | 'seconds'>;
type Endpoint = 'session.start' | 'conversation.history';

type Measured = HttpLoadResult & { serverCpuUsPerRequest: number };
type Server = 'bare' | 'bareTrpc' | 'plain' | 'tipsy';

/** One autocannon run in its own process; with `serverPid`, also the server's CPU time per answer. */
async function run(label: string, request: Request, seconds: number, serverPid?: number): Promise<Measured> {
  const cpuBefore = serverPid ? cpuSecondsOf(serverPid) : 0;
  const load = startProbed(`${ROOT}bench/lib/http-load.ts`, { args: [JSON.stringify({ ...request, connections: CONNECTIONS, seconds })] });
  load.child.on('message', (m: { type?: string; seconds?: number }) => {
    if (m.type === 'tick') progress(`${label}: ${m.seconds}/${seconds} s`);
  });
  const answer = await nextMessage(load.child, (m) => {
    const report = m as { type?: string; result?: HttpLoadResult; error?: string } | null;
    return report?.type === 'result' || report?.type === 'failed' ? report : undefined;
  }, (seconds + 30) * 1000);
  const cpu = serverPid ? cpuSecondsOf(serverPid) - cpuBefore : NaN;
  await load.stop(5000);
  if (!answer.result) throw new Error(`load generator failed: ${answer.error}`);
  return { ...answer.result, serverCpuUsPerRequest: (cpu * 1e6) / (answer.result.ok + answer.result.non2xx) };
}

const json = { 'content-type': 'application/json' };

/** A fresh server with a site and a silent character; for history, a seeded conversation and its visitor's token. */
async function startTipsy(endpoint: Endpoint) {
  if (PROFILE) mkdirSync(RESULTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'tipsy-http-'));
  const dbFile = join(dir, 'tipsy.db');
  const proc = startProbed(`${ROOT}bench/lib/plain-routes-server.ts`, {
    stdout: 'pipe',
    cpuProbe: PROFILE,
    env: {
      ...BENCH_ENV,
      TIPSY_DB: dbFile,
      TIPSY_LIMITS: JSON.stringify({ sessionsPerIp: ROOMY, requestsPerIp: ROOMY }),
    },
  });
  const url = await printedUrl(proc.child);
  const server = {
    url,
    proc,
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const { siteKey } = await createQuietSite(dbFile);
  const db = openSqlite(dbFile);
  const startBody = JSON.stringify({ siteKey });
  let request: Request;
  if (endpoint === 'session.start') {
    request = { url: `${server.url}/trpc/session.start`, method: 'POST', headers: json, body: startBody };
  } else {
    const res = await fetch(`${server.url}/trpc/session.start`, { method: 'POST', headers: json, body: startBody });
    const { visitorToken, conversationId } = ((await res.json()) as { result: { data: { visitorToken: string; conversationId: string } } }).result.data;
    for (let i = 0; i < HISTORY_MESSAGES; i++) {
      const senderType = i % 2 ? 'character' : 'user';
      await postMessage(db, { conversationId, senderType, content: `${senderType === 'user' ? 'What would you pour' : 'I would pour'} for an evening like this one, number ${i}? Something amber, maybe.` });
    }
    const input = encodeURIComponent(JSON.stringify({ conversationId, limit: PAGE }));
    request = { url: `${server.url}/trpc/conversation.history?input=${input}`, method: 'GET', headers: { authorization: `Bearer ${visitorToken}` } };
  }
  await db.destroy();
  return { server, request };
}

const bare = startProbed(`${ROOT}bench/lib/bare-http.ts`);
const bareUrl = await nextMessage(bare.child, (m) => (typeof m === 'string' ? m : undefined));
const figures: Record<string, Record<Server, Measured> & { profile?: { totalMs: number; functions: SelfTime[]; packages: SelfTime[] } }> = {};
try {
  for (const endpoint of ['session.start', 'conversation.history'] as const) {
    const { server, request } = await startTipsy(endpoint);
    try {
      // The baselines answer what our procedure answers, byte for byte.
      const sample = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
      bare.child.send({ data: ((await sample.json()) as { result: { data: unknown } }).result.data });
      await nextMessage(bare.child, (m) => (m === 'payload set' ? m : undefined));
      // The same method, query, headers and body, to a route and to a tRPC procedure that do nothing with them.
      const search = new URL(request.url).search;
      const baseline: Request = { ...request, url: `${bareUrl}/bare${search}` };
      const trpcBaseline: Request = { ...request, url: `${bareUrl}/trpc/${request.method === 'GET' ? 'bareQuery' : 'bareMutation'}${search}` };
      // Our own work without tRPC: the same request to the same server's plain route.
      const plain: Request = { ...request, url: `${server.url}/plain/${endpoint}${search}` };
      // Warm them all up (JIT, caches, SQLite's pages) before measuring.
      await run(`${endpoint} warm-up (bare)`, baseline, WARMUP_SECONDS);
      await run(`${endpoint} warm-up (bare tRPC)`, trpcBaseline, WARMUP_SECONDS);
      await run(`${endpoint} warm-up (plain route)`, plain, WARMUP_SECONDS);
      await run(`${endpoint} warm-up (tipsy)`, request, WARMUP_SECONDS);
      figures[endpoint] = {
        bare: await run(`${endpoint} bare Fastify`, baseline, SECONDS, bare.pid),
        bareTrpc: await run(`${endpoint} bare tRPC`, trpcBaseline, SECONDS, bare.pid),
        plain: await run(`${endpoint} our work, plain route`, plain, SECONDS, server.proc.pid),
        tipsy: await run(`${endpoint} Tipsy Chat`, request, SECONDS, server.proc.pid),
      };
      if (PROFILE) {
        const file = `${RESULTS}http-${endpoint}.cpuprofile`;
        await server.proc.startProfile();
        await run(`${endpoint} Tipsy Chat, profiled`, request, SECONDS);
        await server.proc.stopProfile(file);
        const top = topSelfTime(file, 15);
        figures[endpoint]!.profile = { totalMs: top.total, functions: top.functions, packages: top.packages };
      }
    } finally {
      await server.stop();
    }
  }
} finally {
  await bare.stop();
}
progressDone();

console.log(`\nHTTP (closed loop): ${CONNECTIONS} connections, ${SECONDS} s per run, autocannon in its own process; latency in ms\n`);
const rows: Record<string, string | number>[] = [];
for (const [endpoint, f] of Object.entries(figures)) {
  for (const [name, r] of [['bare Fastify route', f.bare], ['bare tRPC procedure', f.bareTrpc], ['our work, plain Fastify route', f.plain], ['Tipsy Chat', f.tipsy]] as const) {
    rows.push({
      endpoint,
      server: name,
      'req/s': Math.round(r.perSecond),
      p50: r.latency.p50,
      p99: r.latency.p99,
      max: r.latency.max,
      'server CPU µs/req': Math.round(r.serverCpuUsPerRequest),
      'bytes/resp': Math.round(r.bytesPerResponse),
      'non-2xx': r.non2xx,
      errors: r.errors,
    });
  }
}
printTable(rows);
console.log('');
for (const [endpoint, f] of Object.entries(figures)) {
  const share = f.tipsy.perSecond / f.plain.perSecond;
  const overhead = f.tipsy.serverCpuUsPerRequest / f.plain.serverCpuUsPerRequest;
  console.log(`${endpoint}: with tRPC, our work serves ${share.toFixed(2)}× the plain route's req/s (target ≥ 0.50, tRPC's overhead ≤ 2×): ${share >= 0.5 ? 'met' : 'missed'}; server CPU per request ${overhead.toFixed(2)}× the plain route's`);
  const cost = f.tipsy.serverCpuUsPerRequest / f.bare.serverCpuUsPerRequest;
  console.log(`  against a bare route answering the same bytes with no work: ${(f.tipsy.perSecond / f.bare.perSecond).toFixed(2)}× its req/s, ${cost.toFixed(1)}× its server CPU per request`);
  console.log(`  the tRPC adapter alone: ${(f.bareTrpc.perSecond / f.bare.perSecond).toFixed(2)}× the bare route's req/s; Tipsy Chat: ${(f.tipsy.perSecond / f.bareTrpc.perSecond).toFixed(2)}× the bare tRPC procedure's`);
}
console.log('session.start writes a visitor and a conversation on every call: it is a write benchmark too.');
if (PROFILE) {
  for (const [endpoint, f] of Object.entries(figures)) {
    if (!f.profile) continue;
    console.log(`\nServer CPU profile during ${endpoint} (${(f.profile.totalMs / 1000).toFixed(1)} s busy; self time)\n`);
    printSelfTime(f.profile, { functions: true });
  }
}
const failed = Object.values(figures).some((f) => [f.tipsy, f.plain, f.bare, f.bareTrpc].some((r) => r.non2xx + r.errors > 0));
console.log(`\nSaved ${saveResults('http', { connections: CONNECTIONS, seconds: SECONDS, historyMessages: HISTORY_MESSAGES, page: PAGE, figures })}`);
process.exit(failed ? 1 : 0);
