/**
 * Connections: requests trickled in a byte at a time are cut off, one address
 * cannot hold more than its share of connections, and Engine.IO handshakes are
 * counted per address before a session exists. Raw TCP (node:net) where the
 * attack needs it; every connection goes to 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { io as ioClient } from 'socket.io-client';
import { ROOMY_LIMITS, SITE_ORIGIN, startHarness, type Harness } from './harness.js';

const REQUEST_TIMEOUT_MS = 500;
/** How long a test waits for the server to cut a trickled request before calling it a failure. */
const GIVE_UP_MS = 4000;
/** Cut by the timeout: not before it, and soon after it (with room for a busy test machine). */
const cutInTime = (livedMs: number) => livedMs >= REQUEST_TIMEOUT_MS * 0.9 && livedMs < REQUEST_TIMEOUT_MS + 1000;

/** A raw connection to the server, from `localAddress` (any 127.x.y.z reaches a server on 127.0.0.1). */
function open(url: string, localAddress = '127.0.0.1'): Promise<Socket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Sends a request's head, then its body one byte every 100 ms. Resolves with how
 * long the connection lived and what the server said; gives up after GIVE_UP_MS.
 */
async function trickle(url: string, head: string): Promise<{ livedMs: number; answer: string }> {
  const socket = await open(url);
  const startedAt = performance.now();
  let answer = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined); // a reset is one way of being cut off
  socket.write(head);
  const drip = setInterval(() => socket.writable && socket.write('x'), 100);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - startedAt)));
  const livedMs = await Promise.race([closed, sleep(GIVE_UP_MS, Infinity, { ref: false })]);
  clearInterval(drip);
  socket.destroy();
  return { livedMs, answer };
}

/** One GET on a raw connection: the first bytes of the answer, or null if the server closed it unanswered. */
function get(socket: Socket, path = '/healthz'): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('(no answer, still open)'), 2000);
    const done = (value: string | null) => {
      clearTimeout(timer);
      resolve(value);
    };
    socket.on('error', () => undefined);
    socket.once('data', (chunk) => done(chunk.toString()));
    socket.once('close', () => done(null));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

async function handshake(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers });
}

describe('request timeouts', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ config: { requestTimeoutMs: REQUEST_TIMEOUT_MS } })));
  after(() => h.close());

  it('cuts off a session.start whose body trickles in a byte at a time, with a 408', async () => {
    const { livedMs, answer } = await trickle(
      h.url,
      'POST /trpc/session.start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
    );
    assert.ok(cutInTime(livedMs), `lived ${Math.round(livedMs)} ms`);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /"httpStatus":408/);
    assert.match(answer, /"errorCode":"UNAVAILABLE"/);
  });

  it('cuts off a trickled Engine.IO long-polling POST', async () => {
    const { sid } = JSON.parse((await (await handshake(h.url)).text()).slice(1)) as { sid: string };
    // A long-poll waiting meanwhile, as a real client's would be: it hears the session end.
    const poll = fetch(`${h.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`).then((r) => r.text());
    const { livedMs } = await trickle(
      h.url,
      `POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n`,
    );
    assert.ok(cutInTime(livedMs), `lived ${Math.round(livedMs)} ms`);
    assert.equal(await poll, '1', 'the session is closed (Engine.IO close packet)');
  });

  it('cuts off a request whose headers never end', async () => {
    const { livedMs } = await trickle(h.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    assert.ok(cutInTime(livedMs), `lived ${Math.round(livedMs)} ms`);
  });

  it('leaves a waiting long-poll and an open WebSocket alone: their requests arrived whole', async () => {
    const { visitorToken } = await h.session();
    const socket = await h.socket(visitorToken);
    const { sid } = JSON.parse((await (await handshake(h.url)).text()).slice(1)) as { sid: string };
    // Nothing to say yet: the server holds this poll until its next ping (25 s), past the request timeout.
    const poll = fetch(`${h.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS * 2.5) });
    await assert.rejects(poll, { name: 'TimeoutError' });
    assert.ok(socket.connected);
  });
});

describe('connections per address', () => {
  let h: Harness;
  const held: Socket[] = [];
  before(async () => (h = await startHarness({ config: { maxConnectionsPerIp: 3 } })));
  after(async () => {
    held.forEach((s) => s.destroy());
    await h.close();
  });

  it('refuses connections past the cap from one address, serves other addresses, and lets a freed place be used', async () => {
    for (let i = 0; i < 3; i++) {
      const socket = await open(h.url);
      held.push(socket);
      assert.match((await get(socket)) ?? 'closed', /^HTTP\/1\.1 200 /, `connection ${i + 1} is served`);
    }
    assert.equal(await get(await open(h.url)), null, 'the fourth connection from 127.0.0.1 is closed unanswered');
    const elsewhere = await open(h.url, '127.0.0.2');
    held.push(elsewhere);
    assert.match((await get(elsewhere)) ?? 'closed', /^HTTP\/1\.1 200 /, 'another address is served');

    held.shift()!.destroy();
    let answer: string | null = null;
    // The server counts the close when it sees it: try again for a moment.
    for (let attempt = 0; attempt < 20 && !answer; attempt++) {
      if (attempt) await sleep(25);
      const socket = await open(h.url);
      held.push(socket);
      answer = await get(socket);
    }
    assert.match(answer ?? 'closed', /^HTTP\/1\.1 200 /, 'a place freed is usable again');
  });
});

describe('behind a trusted proxy', () => {
  const LIMIT = 5;
  let h: Harness;
  const held: Socket[] = [];
  before(
    async () =>
      (h = await startHarness({
        config: {
          trustProxy: 'loopback',
          maxConnectionsPerIp: 2,
          limits: { ...ROOMY_LIMITS, socketHandshakesPerIp: { points: LIMIT, seconds: 60 } },
        },
      })),
  );
  after(async () => {
    held.forEach((s) => s.destroy());
    await h.close();
  });

  it('does not count a trusted proxy’s connections: it carries many clients', async () => {
    for (let i = 0; i < 4; i++) {
      const socket = await open(h.url);
      held.push(socket);
      assert.match((await get(socket)) ?? 'closed', /^HTTP\/1\.1 200 /, `connection ${i + 1} is served`);
    }
  });

  it('refuses handshakes past the limit before any session exists, while another address connects', async () => {
    const flooder = { origin: SITE_ORIGIN, 'x-forwarded-for': '203.0.113.7' };
    const sessionsBefore = h.app.io.engine.clientsCount;
    const sids: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const res = await handshake(h.url, flooder);
      assert.equal(res.status, 200);
      sids.push((JSON.parse((await res.text()).slice(1)) as { sid: string }).sid);
    }
    for (let i = 0; i < 3; i++) {
      const refused = await handshake(h.url, flooder);
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal(refused.headers.get('access-control-allow-origin'), SITE_ORIGIN, 'a page can read why');
      const body = (await refused.json()) as { code: string; retryAfterMs: number };
      assert.equal(body.code, 'RATE_LIMITED');
      assert.ok(body.retryAfterMs > 0);
    }
    assert.equal(h.app.io.engine.clientsCount, sessionsBefore + LIMIT, 'no session was made for a refused handshake');
    // A repeated sid is no way around the count: Engine.IO reads the last one, so `sid=x&sid=` is a handshake.
    for (const query of ['&sid=x&sid=', `&sid=${sids[0]}&sid=`, '&EIO=4']) {
      const smuggled = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling${query}`, { headers: flooder });
      assert.notEqual(smuggled.status, 200, query);
      await smuggled.arrayBuffer();
    }
    assert.equal(h.app.io.engine.clientsCount, sessionsBefore + LIMIT, 'no session was made for a smuggled handshake');

    // A WebSocket handshake is a handshake too.
    const { visitorToken } = await h.session();
    const viaWebSocket = ioClient(h.url, {
      auth: { token: visitorToken },
      transports: ['websocket'],
      extraHeaders: flooder,
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      viaWebSocket.once('connect', () => reject(new Error('a handshake past the limit connected')));
      viaWebSocket.once('connect_error', () => resolve());
    });
    viaWebSocket.close();
    assert.equal(h.app.io.engine.clientsCount, sessionsBefore + LIMIT);

    // The sessions it has go on: only handshakes are counted here.
    const own = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling&sid=${sids[0]}`, {
      method: 'POST',
      headers: { ...flooder, 'content-type': 'text/plain' },
      body: '1',
    });
    assert.equal(own.status, 200);

    const neighbour = ioClient(h.url, {
      auth: { token: visitorToken },
      transports: ['polling', 'websocket'],
      extraHeaders: { origin: SITE_ORIGIN, 'x-forwarded-for': '203.0.113.8' },
      reconnection: false,
      forceNew: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        neighbour.once('connect', () => resolve());
        neighbour.once('connect_error', reject);
      });
    } finally {
      neighbour.close();
    }
  });
});
