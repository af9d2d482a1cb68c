/**
 * Fairness under abuse: while one visitor floods the server as fast as it can
 * (its own process, both transports, the default limits), how much slower is
 * another visitor's send → receive? Prints both figures and their ratio.
 * Run: npm run bench -- fairness   (or: node --import tsx bench/fairness.ts)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import { createSite, updateSite } from '../server/auth/sites.js';
import { upsertCharacter } from '../server/characters/store.js';
import { openSqlite } from '../server/db/database.js';
import { DEFAULT_LIMITS } from '../server/limits/policy.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../server/protocol/events.js';
import { saveResults } from './lib/results.js';
import { startServerProcess } from './lib/server-process.js';
import { printTable, progress, progressDone, summarize } from './lib/stats.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const FLOOD_MS = 20_000;
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

// The server lets sites send as often as the measurement needs (a site may only tighten the server's limits).
const roomy = { points: 100_000, seconds: 60 };
const server = await startServerProcess({ TIPSY_LIMITS: JSON.stringify({ messageBurst: roomy, messageSustained: roomy, socketEvents: roomy }) });
try {
  // Two sites on one server: the flooder's tightens its limits back to the defaults; the measuring
  // visitor's keeps the server's roomy ones, so only the flood can slow it.
  const db = openSqlite(server.dbFile);
  const flooded = await createSite(db, { name: 'Flooded shop', origins: [] });
  const measured = await createSite(db, { name: 'Measured shop', origins: [] });
  const { messageBurst, messageSustained, socketEvents } = DEFAULT_LIMITS;
  await updateSite(db, flooded.siteId, { limits: { messageBurst, messageSustained, socketEvents } });
  for (const site of [flooded, measured]) await upsertCharacter(db, site.siteId, { slug: 'barkeep', name: 'Barkeep', persona: 'A bartender.' });
  await db.destroy();

  const session = await (
    await fetch(`${server.url}/trpc/session.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey: measured.publishableKey }),
    })
  ).json() as { result: { data: { visitorToken: string; conversationId: string } } };
  const { visitorToken, conversationId } = session.result.data;
  const connect = () =>
    new Promise<Client>((resolve, reject) => {
      const socket: Client = io(server.url, { auth: { token: visitorToken }, transports: ['websocket'], forceNew: true });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  const [sender, receiver] = await Promise.all([connect(), connect()]);
  await receiver.emitWithAck('join_conversation', conversationId);

  /** send → the other tab receives it, in ms. */
  async function measure(label: string): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const clientMessageId = randomUUID();
      const received = new Promise<void>((resolve) => {
        const on = (m: { client_message_id?: string }) => m.client_message_id === clientMessageId && (receiver.off('receive_message', on), resolve());
        receiver.on('receive_message', on);
      });
      const t0 = performance.now();
      sender.emit('send_message', { conversationId, content: `sample ${i}`, clientMessageId }, () => undefined);
      await received;
      samples.push(performance.now() - t0);
      if (i % 20 === 0) progress(`${label}: ${i}/${SAMPLES}`);
      await sleep(10);
    }
    progressDone();
    return samples;
  }

  await measure('warming up');
  const unloaded = summarize(await measure('unloaded'));

  const flooder = spawn(process.execPath, ['--import', 'tsx', new URL('./lib/flooder.ts', import.meta.url).pathname, server.url, flooded.publishableKey, String(FLOOD_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let floodOut = '';
  flooder.stdout.on('data', (chunk: Buffer) => (floodOut += chunk.toString()));
  const floodDone = new Promise((resolve) => flooder.once('exit', resolve));
  await sleep(2000); // let the flood reach full speed
  const loaded = summarize(await measure('under flood'));
  await floodDone;
  const flood = JSON.parse(floodOut) as { attempted: number; perSecond: number; counts: Record<string, number> };

  console.log('\nFairness: another visitor’s send → receive (ms) while one visitor floods\n');
  printTable([
    { case: 'unloaded', samples: unloaded.count, p50: unloaded.p50, p99: unloaded.p99, max: unloaded.max },
    { case: 'under flood', samples: loaded.count, p50: loaded.p50, p99: loaded.p99, max: loaded.max },
    { case: 'ratio', samples: '', p50: loaded.p50 / unloaded.p50, p99: loaded.p99 / unloaded.p99, max: '' },
  ]);
  console.log(`\nThe flood: ${flood.attempted} requests, ${flood.perSecond}/s. Answers:`);
  printTable(Object.entries(flood.counts).map(([answer, n]) => ({ answer, count: n })));
  const file = saveResults('fairness', { unloaded, loaded, ratio: { p50: loaded.p50 / unloaded.p50, p99: loaded.p99 / unloaded.p99 }, flood });
  console.log(`\nSaved ${file}`);
  sender.disconnect();
  receiver.disconnect();
} finally {
  await server.stop();
}
