/**
 * The load generator for the idle-sockets benchmark, in its own process
 * (started with IPC). With a site key, first starts `count` visitor sessions
 * (batched session.start calls) on `sessionUrl`; then, on {type:'connect', urls},
 * opens one WebSocket-only Socket.IO connection per visitor, spread over the
 * urls by the visitor's global index (`offset` + i), and joins it to that
 * visitor's conversation; then holds them, idle, until 'close'. Without a site
 * key (`-`), the tokens and conversation ids are made up, for the bare baseline.
 * Sockets connect from `localAddress`; with `socketsPerAddress`, from a new
 * loopback address after every that many (as visitors from many networks).
 * Usage: idle-sockets-load.ts <sessionUrl|-> <siteKey|-> <count> <localAddress> <offset> [socketsPerAddress]
 * Reports over IPC: {type:'progress'|'ready'|'connected'|'status'|'failed', …}.
 */
import { Agent, request } from 'node:http';
import { io, type Socket } from 'socket.io-client';

const [sessionUrl, siteKey, countText, localAddress, offsetText, perAddressText] = process.argv.slice(2) as [string, string, string, string, string, string?];
const count = Number(countText);
const offset = Number(offsetText);
const socketsPerAddress = perAddressText ? Number(perAddressText) : Infinity;
const BATCH = 20; // the server's tRPC batch limit
const BATCHES_IN_FLIGHT = 4;
const CONNECTS_IN_FLIGHT = 32;

const send = (message: object) => process.send!(message);
const agent = new Agent({ keepAlive: true, maxSockets: BATCHES_IN_FLIGHT, localAddress });

interface Visitor {
  token: string;
  conversationId: string;
}

/** Runs `work(i)` for i in [0, n) with at most `width` at once. */
async function pool(n: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, lane));
}

/** The loopback address `n` places after `first`, counting only x.x.x.1–254 (254 in each /24). */
function loopbackAfter(first: string, n: number): string {
  const [a, b, c, d] = first.split('.').map(Number) as [number, number, number, number];
  const host = (b * 256 + c) * 254 + (d - 1) + n;
  const block = Math.floor(host / 254);
  return `${a}.${Math.floor(block / 256)}.${block % 256}.${(host % 254) + 1}`;
}

const sourceAddress = (i: number) => (socketsPerAddress === Infinity ? localAddress : loopbackAfter(localAddress, Math.floor(i / socketsPerAddress)));

function post(path: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${sessionUrl}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
    });
    req.once('error', reject).end(body);
  });
}

async function startSessions(): Promise<Visitor[]> {
  const visitors: Visitor[] = new Array<Visitor>(count);
  if (siteKey === '-') {
    for (let i = 0; i < count; i++) visitors[i] = { token: 'none', conversationId: `c${offset + i}` };
    return visitors;
  }
  let done = 0;
  await pool(Math.ceil(count / BATCH), BATCHES_IN_FLIGHT, async (b) => {
    const size = Math.min(BATCH, count - b * BATCH);
    const path = `/trpc/${Array.from({ length: size }, () => 'session.start').join(',')}?batch=1`;
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: size }, (_, i) => [i, { siteKey }])));
    const answers = JSON.parse(await post(path, body)) as { result?: { data: { visitorToken: string; conversationId: string } }; error?: unknown }[];
    answers.forEach((answer, i) => {
      if (!answer.result) throw new Error(`session.start failed: ${JSON.stringify(answer.error)}`);
      visitors[b * BATCH + i] = { token: answer.result.data.visitorToken, conversationId: answer.result.data.conversationId };
    });
    done += size;
    if (done % 500 < size) send({ type: 'progress', phase: 'sessions', done });
  });
  agent.destroy();
  return visitors;
}

const sockets: { socket: Socket; target: number }[] = [];
let failed = 0;
let firstError: string | undefined;

/** Connects every visitor; resolves to how many joined on each url, and when the last of them did (ms after the start). */
async function connectAll(urls: string[], visitors: Visitor[]): Promise<{ joinedPerUrl: number[]; lastJoinMsPerUrl: number[] }> {
  const startedAt = performance.now();
  const joinedPerUrl = urls.map(() => 0);
  const lastJoinMsPerUrl = urls.map(() => 0);
  let done = 0;
  await pool(visitors.length, CONNECTS_IN_FLIGHT, async (i) => {
    const { token, conversationId } = visitors[i]!;
    const target = (offset + i) % urls.length;
    // WebSocket only: no long-polling handshake, as a widget on a modern browser upgrades to anyway.
    // engine.io-client hands localAddress to `ws` in Node, though its types do not list it.
    const options = { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, localAddress: sourceAddress(i) };
    const socket = io(urls[target]!, options);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const ack = (await socket.timeout(30_000).emitWithAck('join_conversation', conversationId)) as { ok: boolean; error?: unknown };
      if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack.error)}`);
      sockets.push({ socket, target });
      joinedPerUrl[target]!++;
      lastJoinMsPerUrl[target] = performance.now() - startedAt;
    } catch (error) {
      failed++;
      firstError ??= error instanceof Error ? error.message : String(error);
      socket.disconnect();
    }
    if (++done % 250 === 0) send({ type: 'progress', phase: 'sockets', done });
  });
  return { joinedPerUrl, lastJoinMsPerUrl };
}

let visitors: Visitor[] = [];
process.on('message', (message: unknown) => {
  const connect = message as { type?: string; urls?: string[] } | null;
  if (connect?.type === 'connect' && connect.urls?.length) {
    const startedAt = performance.now();
    void connectAll(connect.urls, visitors).then((perUrl) => send({ type: 'connected', joined: sockets.length, failed, firstError, ms: performance.now() - startedAt, ...perUrl }));
  } else if (message === 'status') {
    const connectedPerUrl: number[] = [];
    for (const { socket, target } of sockets) if (socket.connected) connectedPerUrl[target] = (connectedPerUrl[target] ?? 0) + 1;
    send({ type: 'status', connected: sockets.filter((s) => s.socket.connected).length, connectedPerUrl });
  } else if (message === 'close') {
    for (const { socket } of sockets) socket.disconnect();
    // Let the close frames go out before the process ends.
    setTimeout(() => process.exit(0), 500);
  }
});
process.on('disconnect', () => process.exit(0)); // the parent is gone

visitors = await startSessions().catch((error: unknown) => {
  send({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  return process.exit(1);
});
send({ type: 'ready' });
