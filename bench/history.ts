/**
 * History at a million rows: `conversation.history` latency and rate for a
 * 50-message page, over HTTP through the whole tRPC path (token check, site
 * and key lookups, ownership query, page query), for random conversations
 * among 10,000 of 100 messages each; the newest page and a page from the
 * middle, one request at a time and 16 in flight. Beside it in the same run:
 * the same SQL through raw better-sqlite3, the same server functions called
 * in-process, and raw better-sqlite3 inserts (the seed's rate, and one
 * transaction per row). The seeded database is cached in bench/.cache/.
 * Run: npm run bench -- history   (BENCH_SECONDS=5 BENCH_CONCURRENCY=1,16 BENCH_PROFILE_DIR=dir)
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { loadSigningSecret } from '../server/auth/signing-secret.js';
import { VisitorTokens } from '../server/auth/visitor-tokens.js';
import { requireOwnConversation } from '../server/chat/conversations.js';
import { historyPage } from '../server/chat/messages.js';
import { openSqlite, type Db } from '../server/db/database.js';
import type { Database } from '../server/db/tables.js';
import { openRaw, type ChatShape } from './lib/chat-rows.js';
import { printSelfTime, profileOf, topSelfTime } from './lib/cpu-profile.js';
import { measureRawInserts } from './lib/history-inserts.js';
import { pageInput, type PageMode } from './lib/history-pages.js';
import { saveResults } from './lib/results.js';
import { runLoadProcess } from './lib/load-process.js';
import { historyDb } from './lib/seed-history.js';
import { ROOMY } from './lib/bench-site.js';
import { startServerProcess } from './lib/server-process.js';
import { fmt, printTable, progress, progressDone, summarize, type Latency as StatsLatency } from './lib/stats.js';

const SHAPE: ChatShape = {
  conversations: Number(process.env.BENCH_CONVERSATIONS ?? 10_000),
  perConversation: Number(process.env.BENCH_PER_CONVERSATION ?? 100),
  active: 200,
  stepMs: 150,
};
const LIMIT = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 1;
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 3);
const INSERT_SECONDS = Number(process.env.BENCH_INSERT_SECONDS ?? 5);
const SEED_LIMIT_S = Number(process.env.BENCH_SEED_LIMIT_S ?? 600);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,16').split(',').map(Number);
const MODES: PageMode[] = ['latest', 'deep'];
const TARGET_P99_MS = 5;
// The server signs with this, and the bench mints tokens with the server's own code and the same key.
const SECRET = 'history-bench-signing-secret-not-for-production';
const LOAD = new URL('./lib/history-load.ts', import.meta.url).pathname;

type Latency = StatsLatency & { count: number; perSecond: number };
interface LoadResult extends Latency {
  errors: Record<string, number>;
  checked: number;
}

// Other work on the machine skews latency: the load averages at start and end are printed and saved.
const loadAtStart = loadavg()[0]!;

// 1. The database: seeded once, then reused.
const { file, seed, cached } = await historyDb(SHAPE, SEED_LIMIT_S * 1000);
const megabytes = `${fmt(statSync(file).size / 1024 / 1024)} MB`;
console.log(
  cached
    ? `Reusing ${file} (${megabytes}, ${fmt(seed.rows)} messages, seeded ${seed.seededAt} at ${fmt(seed.rowsPerSecond)} rows/s)`
    : `Seeded ${file} (${megabytes})`,
);

// 2. Raw better-sqlite3 inserts, bounded, into fresh databases.
progress(`raw better-sqlite3 inserts, ${INSERT_SECONDS} s batched and ${INSERT_SECONDS} s one per transaction…`);
const inserts = await measureRawInserts(SHAPE, INSERT_SECONDS, seed.batchRows);
progressDone();

// 3. The statements the server runs for one history call, captured from its own functions (Kysely's log),
// then replayed with raw better-sqlite3; and the same functions on the server's own connection stack.
const sqlite = openRaw(file);
const conversations = sqlite
  .prepare('select id, visitor_id as visitorId from conversations where site_id = ?')
  .all(seed.siteId) as { id: string; visitorId: string }[];
const { keyId } = sqlite.prepare("select id as keyId from site_keys where site_id = ? and kind = 'publishable'").get(seed.siteId) as { keyId: string };
let captured: CompiledQuery[] | undefined;
const capturing: Db = new Kysely<Database>({
  dialect: new SqliteDialect({ database: sqlite }),
  log: (event) => void (event.level === 'query' && captured?.push(event.query)),
});
const db = openSqlite(file);
const pick = () => conversations[Math.floor(Math.random() * conversations.length)]!;
const visitorOf = (c: { visitorId: string }) => ({ visitorId: c.visitorId, siteId: seed.siteId, keyId });

/** What ChatService.history does once the token is checked: the ownership query, then the page. */
async function serverCall(on: Db, c: { id: string; visitorId: string }, mode: PageMode) {
  const input = pageInput(c.id, mode, LIMIT, SHAPE.perConversation);
  await requireOwnConversation(on, visitorOf(c), c.id);
  return historyPage(on, c.id, input);
}

/** The captured statements of one call, ready to replay for another conversation with raw better-sqlite3. */
async function statementsOf(mode: PageMode) {
  const sample = pick();
  const queries: CompiledQuery[] = (captured = []);
  const page = await serverCall(capturing, sample, mode);
  captured = undefined;
  if (page.messages.length !== LIMIT) throw new Error(`expected a full page, got ${page.messages.length}`);
  const sampleBefore = mode === 'deep' ? String(page.messages.at(-1)!.seq + 1) : undefined;
  return queries.map((q) => {
    const statement = sqlite.prepare(q.sql);
    const params = [...q.parameters];
    const slot = (value: unknown) => params.findIndex((p) => p === value);
    const idAt = params.flatMap((p, i) => (p === sample.id ? [i] : []));
    const visitorAt = slot(sample.visitorId);
    const beforeAt = sampleBefore === undefined ? -1 : slot(Number(sampleBefore));
    return {
      sql: q.sql,
      plan: (sqlite.prepare(`explain query plan ${q.sql}`).all(...params) as { detail: string }[]).map((r) => r.detail),
      run(c: { id: string; visitorId: string }) {
        for (const i of idAt) params[i] = c.id;
        if (visitorAt >= 0) params[visitorAt] = c.visitorId;
        if (beforeAt >= 0) params[beforeAt] = Number(pageInput(c.id, mode, LIMIT, SHAPE.perConversation).before);
        return statement.all(...params);
      },
    };
  });
}

/** Times `call` on random conversations for BASELINE_SECONDS, after a second of warm-up. */
async function timeInProcess(call: (c: { id: string; visitorId: string }) => unknown): Promise<Latency> {
  for (const until = performance.now() + 1000; performance.now() < until; ) await call(pick());
  const samples: number[] = [];
  const started = performance.now();
  const until = started + BASELINE_SECONDS * 1000;
  while (performance.now() < until) {
    const c = pick();
    const t0 = performance.now();
    const pending = call(c);
    if (pending instanceof Promise) await pending; // a synchronous call is timed without a turn of the event loop
    samples.push(performance.now() - t0);
  }
  return { ...summarize(samples), perSecond: samples.length / ((performance.now() - started) / 1000) };
}

const plans: Record<string, string[]> = {};
const baselines: Record<PageMode, { rawPage: Latency; rawAll: Latency; inProcess: Latency }> = {} as never;
for (const mode of MODES) {
  const statements = await statementsOf(mode);
  for (const s of statements) plans[s.sql] = s.plan;
  const page = statements.at(-1)!;
  progress(`${mode} page: raw better-sqlite3 and in-process, ${BASELINE_SECONDS} s each…`);
  baselines[mode] = {
    rawPage: await timeInProcess((c) => page.run(c)),
    rawAll: await timeInProcess((c) => statements.forEach((s) => s.run(c))),
    inProcess: await timeInProcess((c) => serverCall(db, c, mode)),
  };
}
progressDone();

// 4. The server, on the cached database, and the load generator, each in its own process.
const work = mkdtempSync(join(tmpdir(), 'tipsy-history-'));
const server = await startServerProcess(
  {
    TIPSY_SECRET: SECRET,
    TIPSY_LIMITS: JSON.stringify({ requestsPerIp: ROOMY }),
  },
  { dbFile: file },
);
const http: Record<string, LoadResult> = {};
let warmUp: LoadResult | undefined;
try {
  const tokens = new VisitorTokens(await loadSigningSecret(db, SECRET), 3600);
  const targets = await Promise.all(conversations.map(async (c) => [c.id, await tokens.issue(visitorOf(c))]));
  const targetsFile = join(work, 'targets.json');
  writeFileSync(targetsFile, JSON.stringify(targets));
  const load = (mode: PageMode | 'each', c: number, timeoutSeconds: number) =>
    runLoadProcess<LoadResult>(LOAD, [server.url, targetsFile, mode, c, SECONDS, WARMUP_SECONDS, LIMIT, SHAPE.perConversation], timeoutSeconds * 1000);
  // Every visitor calls once first: the server remembers verified tokens, and the figures are its steady state.
  progress(`warm-up: the newest page of each of the ${fmt(conversations.length)} conversations once…`);
  warmUp = await load('each', 16, 300);
  for (const mode of MODES) {
    for (const c of CONCURRENCY) {
      progress(`${mode} page over HTTP, ${c} in flight, ${SECONDS} s…`);
      http[`${mode} c=${c}`] = await load(mode, c, SECONDS + WARMUP_SECONDS + 60);
    }
  }
  progressDone();
} finally {
  await server.stop();
  await db.destroy();
  sqlite.close();
  rmSync(work, { recursive: true, force: true });
}

// 5. Figures.
console.log(`\nInserts, raw better-sqlite3 (server schema and pragmas: WAL, synchronous=NORMAL)\n`);
printTable([
  { what: `seed: ${fmt(seed.rows)} messages, ${fmt(seed.batchRows)} per transaction${cached ? ' (cached run)' : ''}`, 'rows/s': Math.round(seed.rowsPerSecond), seconds: seed.seconds },
  { what: `${INSERT_SECONDS} s sample, ${fmt(seed.batchRows)} per transaction`, 'rows/s': Math.round(inserts.batched.rowsPerSecond), seconds: inserts.batched.seconds },
  { what: `${INSERT_SECONDS} s sample, one transaction per row`, 'rows/s': Math.round(inserts.perRow.rowsPerSecond), seconds: inserts.perRow.seconds },
]);

console.log('\nQuery plans of the statements one history call runs\n');
for (const [sql, plan] of Object.entries(plans)) console.log(`${sql}\n  → ${plan.join('\n  → ')}`);

console.log(`\nconversation.history (ms): ${LIMIT}-message page, ${fmt(seed.rows)} messages in ${fmt(SHAPE.conversations)} conversations, random conversation per call\n`);
const row = (what: string, l: Latency, inFlight: number, errors = '') => ({ what, 'in flight': inFlight, p50: l.p50, p99: l.p99, max: l.max, 'req/s': Math.round(l.perSecond), errors });
const rows: Record<string, string | number>[] = [];
for (const mode of MODES) {
  rows.push(row(`${mode}: raw better-sqlite3, page select`, baselines[mode].rawPage, 1));
  rows.push(row(`${mode}: raw better-sqlite3, ownership + page selects`, baselines[mode].rawAll, 1));
  rows.push(row(`${mode}: server functions in-process (Kysely, no HTTP)`, baselines[mode].inProcess, 1));
  for (const c of CONCURRENCY) {
    const r = http[`${mode} c=${c}`]!;
    const errors = Object.entries(r.errors).map(([k, v]) => `${k}: ${v}`).join(', ');
    rows.push(row(`${mode}: Tipsy Chat over HTTP`, r, c, errors || '0'));
  }
}
printTable(rows);
if (warmUp) {
  const errors = Object.keys(warmUp.errors).length ? `, errors ${JSON.stringify(warmUp.errors)}` : '';
  console.log(`\nWarm-up (each visitor's first call, 16 in flight, not in the table): p50 ${warmUp.p50.toFixed(2)} ms, p99 ${warmUp.p99.toFixed(2)} ms, ${fmt(warmUp.perSecond)} req/s${errors}`);
}

console.log('');
for (const mode of MODES) {
  const raw = baselines[mode].rawPage;
  const one = http[`${mode} c=1`];
  if (one) console.log(`${mode}: HTTP at 1 in flight / raw page select: p50 ${(one.p50 / raw.p50).toFixed(1)}×, p99 ${(one.p99 / raw.p99).toFixed(1)}×`);
}
const verdicts = Object.entries(http).map(([name, r]) => `${name} p99 ${r.p99.toFixed(2)} ms ${r.p99 <= TARGET_P99_MS ? '≤' : '>'} ${TARGET_P99_MS} ms`);
console.log(`Target p99 ≤ ${TARGET_P99_MS} ms: ${verdicts.join('; ')}`);
const loadAtEnd = loadavg()[0]!;
console.log(`Load average (1 min) at start ${loadAtStart.toFixed(2)}, at end ${loadAtEnd.toFixed(2)}`);
// With BENCH_PROFILE_DIR set, the server wrote a CPU profile as it stopped: the whole process, start-up and
// warm-up included, so run with BENCH_SECONDS long enough to outweigh them.
const profile = process.env.BENCH_PROFILE_DIR && profileOf(process.env.BENCH_PROFILE_DIR, server.child.pid);
if (profile) {
  const top = topSelfTime(profile, 12);
  console.log(`\nServer CPU profile (${profile}): ${fmt(top.total)} ms busy; self time by package, then by function\n`);
  printSelfTime(top, { functions: true });
}
console.log(`Saved ${saveResults('history', { shape: SHAPE, limit: LIMIT, seconds: SECONDS, seed: { ...seed, cached }, inserts, plans, baselines, warmUp, http, loadAverage: { start: loadAtStart, end: loadAtEnd } })}`);
