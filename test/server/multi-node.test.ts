/**
 * Two server processes behind a real nginx, sharing one database (SQLite, or
 * Postgres on the Postgres pass) and Redis,
 * as a deployment runs them. A visitor's two tabs sit on the two processes and
 * see each other's messages and the streamed reply; then the process serving
 * one tab is killed with -9 in the middle of a reply. The tab comes back
 * through nginx to the survivor and catches up; the reply is kept as
 * interrupted; every acked message is stored exactly once, in order.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { startServerProcess, type ServerProcess } from '../../bench/lib/server-process.js';
import type { Message } from '../../server/protocol/message.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { ROOMY_LIMITS } from './harness.js';
import { hasNginx, startNginx, type Nginx } from './nginx.js';
import { prepareDatabase, sendUntilAcked } from './server-processes.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { REDIS_URL, redisUp } from './test-redis.js';

const missing = !hasNginx() ? 'no nginx (apt-get install nginx)' : !redisUp ? `no Redis at ${REDIS_URL}` : undefined;
const skip = missing && !process.env.CI ? missing : false;

const SEND_EVERY_MS = 120;

async function call<T>(url: string, path: string, input: unknown, token?: string): Promise<T> {
  const res = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-node': 'a', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { result: { data: T } };
  return body.result.data;
}

async function history(url: string, token: string, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let after = '0'; ; ) {
    const input = encodeURIComponent(JSON.stringify({ conversationId, after, limit: 100 }));
    const res = await fetch(`${url}/trpc/conversation.history?input=${input}`, { headers: { authorization: `Bearer ${token}`, 'x-node': 'b' } });
    const page = ((await res.json()) as { result: { data: { messages: Message[]; nextCursor: string | null } } }).result.data;
    all.push(...page.messages);
    if (!page.nextCursor) return all;
    after = page.nextCursor;
  }
}

/** A browser tab: its socket sticks to one process through nginx, and resends until acked, as the widget's outbox does. */
function openTab(url: string, token: string, node: 'a' | 'b') {
  const socket: ChatSocket = io(url, {
    auth: { token },
    extraHeaders: { 'x-node': node },
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
  const seen = new Map<string, Message>();
  let chunks = 0;
  socket.on('receive_message', (m) => seen.set(m.id, m));
  socket.on('message_stream', () => chunks++);
  return {
    socket,
    seen,
    chunks: () => chunks,
    connected: () => new Promise<void>((resolve) => (socket.connected ? resolve() : socket.once('connect', () => resolve()))),
    send: (conversationId: string, clientMessageId: string) => sendUntilAcked(socket, conversationId, clientMessageId, 2000),
  };
}

const METRICS_TOKEN = 'multi-node-metrics-token';

/** Reply chunks a process has streamed so far, from its own /metrics. */
async function chunksStreamedBy(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return [...text.matchAll(/^tipsy_reply_chunks_total(?:\{[^}]*\})? (\d+)/gm)].reduce((sum, [, n]) => sum + Number(n), 0);
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
  return performance.now() - started;
}

describe('many processes behind nginx', { skip }, () => {
  const servers: ServerProcess[] = [];
  let proxy: Nginx | undefined;
  let database: TestDatabase | undefined;
  after(async () => {
    await proxy?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it('two tabs on two processes see each other; kill -9 mid-reply loses no acked message and duplicates none', async () => {
    database = await createTestDatabase();
    const { dbFile } = database;
    const siteKey = await prepareDatabase(database, 'Many nodes');
    const env = {
      ...database.env,
      TIPSY_REDIS_URL: REDIS_URL,
      TIPSY_REDIS_PREFIX: `tipsy-test-${randomUUID().slice(0, 8)}`,
      TIPSY_LIMITS: JSON.stringify({ ...ROOMY_LIMITS, repliesInFlight: 100 }),
      TIPSY_SIM_DELAY_MS: '40',
      TIPSY_STREAM_STALE_MS: '1500',
      TIPSY_TRUST_PROXY: 'loopback',
      TIPSY_METRICS_TOKEN: METRICS_TOKEN,
    };
    const nodeA = await startServerProcess(env, { dbFile });
    servers.push(nodeA);
    const nodeB = await startServerProcess(env, { dbFile });
    servers.push(nodeB);
    proxy = await startNginx([nodeA.url, nodeB.url]);

    const { visitorToken, conversationId } = await call<{ visitorToken: string; conversationId: string }>(proxy.url, 'session.start', { siteKey });
    const tabA = openTab(proxy.url, visitorToken, 'a');
    const tabB = openTab(proxy.url, visitorToken, 'b');
    await Promise.all([tabA.connected(), tabB.connected()]);
    await Promise.all([tabA, tabB].map((tab) => tab.socket.emitWithAck('join_conversation', conversationId)));

    // Across processes: a message sent on A, and its streamed reply, reach the tab on B.
    const sentAt = performance.now();
    let heardAt = 0;
    tabB.socket.once('receive_message', () => (heardAt = performance.now()));
    const hello = await tabA.socket.emitWithAck('send_message', { conversationId, content: 'Hello from the first tab' });
    assert.ok(hello.ok);
    await until('the other tab to hear the message', () => tabB.seen.has(hello.message.id));
    const crossNodeMs = heardAt - sentAt;
    await until('the other tab to see the reply streamed and finished', () =>
      tabB.chunks() > 0 && [...tabB.seen.values()].some((m) => m.sender_type === 'character' && !m.status),
    );

    // A steady flow from both tabs, as two people typing.
    const acked: string[] = [];
    let retries = 0;
    let flowing = true;
    let secondTabWaits = false;
    const flow = (tab: ReturnType<typeof openTab>, name: string) =>
      (async () => {
        for (let n = 0; flowing; n++) {
          while (name === 'b' && secondTabWaits && flowing) await sleep(20);
          const id = `${name}-${n}`;
          retries += (await tab.send(conversationId, id)) - 1;
          acked.push(id);
          await sleep(SEND_EVERY_MS);
        }
      })();
    const flows = [flow(tabA, 'a'), flow(tabB, 'b')];

    // Kill the process serving the first tab while it streams a reply. A reply runs on the process that holds the
    // conversation's turn, either one: the second tab pauses until two replies have finished since (the second one
    // answering a message of the first tab's, stored on its process), so the reply streaming next runs there.
    secondTabWaits = true;
    const repliesDone = () => [...tabA.seen.values()].filter((m) => m.sender_type === 'character' && m.status !== 'streaming').length;
    const doneBefore = repliesDone();
    await until('two replies since the second tab paused', () => repliesDone() >= doneBefore + 2);
    const chunksBefore = tabA.chunks();
    await until('a reply streaming', () => tabA.chunks() > chunksBefore + 2);
    // Usually the first tab's process streams it; should the turn have gone to the other, that one is killed.
    const streamedBefore = await Promise.all([nodeA, nodeB].map(chunksStreamedBy));
    await sleep(120);
    const streamedNow = await Promise.all([nodeA, nodeB].map(chunksStreamedBy));
    const [victim, victimTab] = streamedNow[1]! > streamedBefore[1]! && streamedNow[0] === streamedBefore[0] ? [nodeB, tabB] : [nodeA, tabA];
    const disconnected = new Promise<void>((resolve) => victimTab.socket.once('disconnect', () => resolve()));
    const killedAt = performance.now();
    assert.equal(await victim.signal('SIGKILL'), 'SIGKILL');
    await disconnected;
    secondTabWaits = false;
    const ackedAtKill = acked.length;
    await until('the killed process’s tab to come back through nginx', () => victimTab.socket.connected);
    const reconnectMs = performance.now() - killedAt;
    await until('a send acked after the kill', () => acked.length > ackedAtKill + 2);
    const recoverMs = performance.now() - killedAt;
    await sleep(1500);
    flowing = false;
    await Promise.all(flows);

    // The survivor marks the dead process's reply interrupted; the tab catches up by seq, as the widget does.
    await until('no reply left streaming', async () => (await history(proxy!.url, visitorToken, conversationId)).every((m) => m.status !== 'streaming'), 10_000);
    const messages = await history(proxy.url, visitorToken, conversationId);
    const seqs = messages.map((m) => m.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'seq 1..N: no gap, no duplicate');
    const stored = messages.filter((m) => m.sender_type === 'user').map((m) => m.client_message_id ?? m.content);
    const duplicates = stored.length - new Set(stored).size;
    const lost = acked.filter((id) => !stored.includes(id));
    assert.equal(duplicates, 0, 'no message stored twice');
    assert.deepEqual(lost, [], 'every acked message stored');
    const interrupted = messages.filter((m) => m.status === 'interrupted');
    assert.ok(interrupted.length >= 1, 'the reply cut by the kill is kept as interrupted');

    console.log(
      `multi-node: ${acked.length} messages acked (${retries} resends), ${stored.length} stored, ${duplicates} duplicates, ${lost.length} lost; ` +
        `send on one process → heard on the other ${crossNodeMs.toFixed(1)} ms; after kill -9: reconnected through nginx in ${reconnectMs.toFixed(0)} ms, ` +
        `sending again in ${recoverMs.toFixed(0)} ms; ${interrupted.length} reply kept as interrupted`,
    );
    tabA.socket.disconnect();
    tabB.socket.disconnect();
  });
});
