/**
 * Time from send to the first streamed token of the reply, through the
 * simulated character at zero delay and through a local OpenAI-compatible
 * endpoint (a streaming server in another process), beside the bare HTTP
 * round trip to that endpoint as the baseline.
 * Run: npm run bench -- first-token
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import { createSite } from '../server/auth/sites.js';
import { upsertCharacter } from '../server/characters/store.js';
import { openSqlite } from '../server/db/database.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../server/protocol/events.js';
import { ROOMY } from './lib/bench-site.js';
import { saveResults } from './lib/results.js';
import { startServerProcess } from './lib/server-process.js';
import { printTable, progress, progressDone, summarize } from './lib/stats.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

// The model endpoint runs in its own process, as a local model server would.
const model = fork(new URL('./lib/model-server.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'] });
process.once('exit', () => model.kill()); // never leave the endpoint running
const modelUrl = await new Promise<string>((resolve) => model.once('message', (m) => resolve(String(m))));
const server = await startServerProcess({
  TIPSY_LIMITS: JSON.stringify({ messageBurst: ROOMY, messageSustained: ROOMY, socketEvents: ROOMY, sessionsPerIp: ROOMY }),
  // The endpoint is on this machine: sites reach a private address only where the operator allows it.
  TIPSY_RESPONDER_PRIVATE_HOSTS: new URL(modelUrl).host,
});
try {
  const db = openSqlite(server.dbFile);
  const site = await createSite(db, { name: 'Bench', origins: [] });
  await upsertCharacter(db, site.siteId, { slug: 'simulated', name: 'Simulated', persona: 'A bartender.' });
  await upsertCharacter(db, site.siteId, {
    slug: 'model',
    name: 'Model',
    persona: 'A bartender.',
    responder: { kind: 'openai', baseUrl: `${modelUrl}/v1`, model: 'local' },
  });
  await db.destroy();

  async function firstToken(character: string): Promise<number[]> {
    const res = await fetch(`${server.url}/trpc/session.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey: site.publishableKey, character }),
    });
    const { visitorToken, conversationId } = ((await res.json()) as { result: { data: { visitorToken: string; conversationId: string } } }).result.data;
    const socket: Client = io(server.url, { auth: { token: visitorToken }, transports: ['websocket'], forceNew: true });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await socket.emitWithAck('join_conversation', conversationId);
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const first = new Promise<void>((resolve) => socket.once('message_stream', () => resolve()));
      const done = new Promise<void>((resolve) => {
        const on = (m: { sender_type: string }) => m.sender_type === 'character' && (socket.off('receive_message', on), resolve());
        socket.on('receive_message', on);
      });
      const t0 = performance.now();
      socket.emit('send_message', { conversationId, content: `question ${i}`, clientMessageId: randomUUID() }, () => undefined);
      await first;
      samples.push(performance.now() - t0);
      await done; // one reply at a time
      if (i % 20 === 0) progress(`${character}: ${i}/${SAMPLES}`);
    }
    progressDone();
    socket.disconnect();
    return samples;
  }

  async function bareEndpoint(): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      const res = await fetch(`${modelUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'local', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const reader = res.body!.getReader();
      await reader.read(); // the first bytes of the stream
      samples.push(performance.now() - t0);
      await reader.cancel();
      await sleep(2);
    }
    return samples;
  }

  await firstToken('simulated'); // warm up
  const simulated = summarize(await firstToken('simulated'));
  const endpoint = summarize(await firstToken('model'));
  const bare = summarize(await bareEndpoint());
  console.log('\nSend → first streamed token (ms)\n');
  printTable([
    { path: 'simulated character (zero delay)', samples: simulated.count, p50: simulated.p50, p99: simulated.p99, max: simulated.max },
    { path: 'local OpenAI-compatible endpoint', samples: endpoint.count, p50: endpoint.p50, p99: endpoint.p99, max: endpoint.max },
    { path: 'baseline: bare request to that endpoint', samples: bare.count, p50: bare.p50, p99: bare.p99, max: bare.max },
  ]);
  const file = saveResults('first-token', { simulated, endpoint, bare });
  console.log(`\nSaved ${file}`);
} finally {
  await server.stop();
  model.kill();
}
