/**
 * The nginx configuration docs/deploy.md gives (deploy/nginx.conf), run for real:
 * TLS ends at nginx, two server processes share one database (SQLite, or Postgres
 * on the Postgres pass) and Redis behind it, started as the guide says
 * (HOST=127.0.0.1, TIPSY_TRUST_PROXY=loopback). Through https: tRPC, Socket.IO
 * over wss and over long polling alone (many requests, so only stickiness keeps
 * them on the process that holds the session), the redirect from plain HTTP,
 * and per-address limits counted on the client's address nginx passes on.
 * `nginx -t` is implied: nginx does not start on a file it refuses.
 * The scheme nginx passes (X-Forwarded-Proto) is not checked: nothing the server
 * does depends on it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { Agent, fetch } from 'undici';
import { startServerProcess, type ServerProcess } from '../../bench/lib/server-process.js';
import type { Message } from '../../server/protocol/message.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { hasOpenssl, selfSignedCertificate, startDocumentedNginx, type Certificate, type DocumentedNginx } from './documented-nginx.js';
import { ROOMY_LIMITS } from './harness.js';
import { hasNginx } from './nginx.js';
import { prepareDatabase } from './server-processes.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { REDIS_URL, redisUp } from './test-redis.js';

const missing = !hasNginx()
  ? 'no nginx (apt-get install nginx)'
  : !hasOpenssl()
    ? 'no openssl (apt-get install openssl)'
    : !redisUp
      ? `no Redis at ${REDIS_URL}`
      : undefined;
const skip = missing && !process.env.CI ? missing : false;

/** New chats per address: room for the three the other checks start from 127.0.0.1, counted on their own. */
const SESSIONS_PER_ADDRESS = 4;
/** Far below the sockets this suite holds open through nginx at once: a trusted proxy's connections must not count. */
const CONNECTIONS_PER_ADDRESS = 2;
const WAIT_MS = 5000;

interface Started {
  visitorToken: string;
  conversationId: string;
}

describe('the documented nginx configuration, over TLS, in front of two processes', { skip }, () => {
  const servers: ServerProcess[] = [];
  let database: TestDatabase | undefined;
  let certificate: Certificate | undefined;
  let proxy: DocumentedNginx;
  let siteKey: string;
  const agents = new Map<string, Agent>();

  /** A client that trusts only our certificate, connecting from `address` (any 127.x works on loopback). */
  const clientAt = (address = '127.0.0.1', h2 = false) => {
    const key = `${address}/${h2}`;
    if (!agents.has(key)) agents.set(key, new Agent({ allowH2: h2, localAddress: address, connect: { ca: certificate!.pem } }));
    return agents.get(key)!;
  };

  const startSession = (address?: string, h2?: boolean) =>
    fetch(`${proxy.url}/trpc/session.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey }),
      dispatcher: clientAt(address, h2),
      signal: AbortSignal.timeout(WAIT_MS),
    });

  async function session(address?: string): Promise<Started> {
    const res = await startSession(address);
    const body = (await res.json()) as { result?: { data: Started } };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.result!.data;
  }

  before(async () => {
    database = await createTestDatabase();
    siteKey = await prepareDatabase(database, 'Behind TLS');
    certificate = selfSignedCertificate();
    const env = {
      ...database.env,
      HOST: '127.0.0.1',
      TIPSY_TRUST_PROXY: 'loopback',
      TIPSY_REDIS_URL: REDIS_URL,
      TIPSY_REDIS_PREFIX: `tipsy-test-${randomUUID().slice(0, 8)}`,
      TIPSY_LIMITS: JSON.stringify({ ...ROOMY_LIMITS, sessionsPerIp: { points: SESSIONS_PER_ADDRESS, seconds: 600 } }),
      TIPSY_MAX_CONNECTIONS_PER_IP: String(CONNECTIONS_PER_ADDRESS),
    };
    for (let i = 0; i < 2; i++) servers.push(await startServerProcess(env, { dbFile: database.dbFile }));
    proxy = await startDocumentedNginx([servers[0]!.url, servers[1]!.url], certificate);
  });

  after(async () => {
    await proxy?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all([...agents.values()].map((agent) => agent.close()));
    await database?.drop();
    certificate?.remove();
  });

  /** A tab on one transport only, never reconnecting: a session lost on the way fails the exchange instead of healing. */
  async function openTab(token: string, transport: 'websocket' | 'polling', conversationId: string) {
    const socket: ChatSocket = io(proxy.url, { auth: { token }, transports: [transport], ca: certificate!.pem, reconnection: false, forceNew: true });
    const seen = new Set<string>();
    const drops: string[] = [];
    socket.on('receive_message', (m: Message) => seen.add(m.id));
    socket.on('disconnect', (reason) => drops.push(reason));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${transport}: no connection within ${WAIT_MS} ms`)), WAIT_MS);
      socket.once('connect', () => (clearTimeout(timer), resolve()));
      socket.once('connect_error', (error) => (clearTimeout(timer), reject(error)));
    });
    await socket.timeout(WAIT_MS).emitWithAck('join_conversation', conversationId);
    return { socket, seen, drops };
  }
  type Tab = Awaited<ReturnType<typeof openTab>>;

  async function heard(tab: Tab, id: string): Promise<void> {
    for (const started = Date.now(); !tab.seen.has(id); await sleep(20)) {
      if (Date.now() - started > WAIT_MS) throw new Error(`the other tab never heard ${id} (disconnects: ${tab.drops.join(', ') || 'none'})`);
    }
  }

  /** Both tabs take turns sending; each send is acked and heard by the other tab. */
  async function exchange(transport: 'websocket' | 'polling', rounds: number): Promise<void> {
    const { visitorToken, conversationId } = await session();
    const tabs = [await openTab(visitorToken, transport, conversationId), await openTab(visitorToken, transport, conversationId)] as const;
    try {
      for (let round = 0; round < rounds; round++) {
        const [from, to] = round % 2 ? [tabs[1], tabs[0]] : [tabs[0], tabs[1]];
        const ack = await from.socket.timeout(WAIT_MS).emitWithAck('send_message', { conversationId, content: `${transport} round ${round}` });
        assert.ok(ack.ok, JSON.stringify(ack));
        await heard(to, ack.message.id);
      }
      for (const tab of tabs) {
        assert.deepEqual(tab.drops, [], 'no tab lost its connection');
        assert.equal(tab.socket.io.engine.transport.name, transport, `stayed on ${transport}`);
      }
    } finally {
      for (const tab of tabs) tab.socket.disconnect();
    }
  }

  it('answers tRPC over HTTPS and HTTP/2, with HSTS', async () => {
    const res = await startSession('127.0.0.1', true);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    assert.ok(((await res.json()) as { result: { data: Started } }).result.data.visitorToken);
    // nginx writes its access log line after the response has gone: wait for it a moment.
    const logged = /"POST \/trpc\/session\.start HTTP\/2\.0" 200/;
    const accessLog = () => readFileSync(join(proxy.dir, 'access.log'), 'utf8');
    for (const started = Date.now(); !logged.test(accessLog()) && Date.now() - started < 2000; ) await sleep(20);
    assert.match(accessLog(), logged);
  });

  it('carries Socket.IO over wss: join, send, ack, the other tab hears it', async () => {
    await exchange('websocket', 2);
  });

  it('keeps a long-polling session on its process through many requests (sticky by address)', async () => {
    await exchange('polling', 6);
  });

  it('redirects plain HTTP to HTTPS, path and query kept', async () => {
    const res = await fetch(`${proxy.redirectUrl}/trpc/session.start?batch=1`, { redirect: 'manual', signal: AbortSignal.timeout(WAIT_MS) });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), 'https://127.0.0.1/trpc/session.start?batch=1');
  });

  it("counts per-address limits on the client's address nginx passes, not on nginx's own", async () => {
    // One client address uses up its new chats; another, through the same nginx, still starts one.
    for (let i = 0; i < SESSIONS_PER_ADDRESS; i++) assert.equal((await startSession('127.0.0.2')).status, 200);
    assert.equal((await startSession('127.0.0.2')).status, 429, 'the address that used its sessions is refused');
    const other = await session('127.0.0.3');

    // Through nginx, one address holds more sockets than both processes together would let one peer hold
    // (nginx tries the other process when one closes a connection): a trusted proxy's connections are not capped.
    const many = 2 * CONNECTIONS_PER_ADDRESS + 2;
    const sockets = await Promise.all(Array.from({ length: many }, () => openTab(other.visitorToken, 'websocket', other.conversationId)));
    for (const tab of sockets) tab.socket.disconnect();
  });
});
