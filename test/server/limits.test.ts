import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { io } from 'socket.io-client';
import type { Responder } from '../../server/characters/responders/responder.js';
import { upsertCharacter } from '../../server/characters/store.js';
import type { SendAck } from '../../server/protocol/events.js';
import { collect, ROOMY_LIMITS, SITE_ORIGIN, startHarness, trpcErrorCode, type Harness } from './harness.js';

const refusedWith = (code: string) => (err: Error & { data?: { code: string } }) => err.data?.code === code;
const limitedAck = (ack: SendAck) => (!ack.ok && ack.error.code === 'RATE_LIMITED' ? ack.error : undefined);

async function storedUserMessages(h: Harness, conversationId: string) {
  return (await h.app.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('sender_type', '=', 'user').execute()).length;
}

describe('rate limits', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('limits a visitor’s messages on both transports together, tells when to retry, stores nothing refused, and resets', async () => {
    const admin = h.admin();
    await admin.admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, messageBurst: { points: 3, seconds: 2 } } });
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const api = h.api({ token: visitorToken });
    assert.ok((await socket.emitWithAck('send_message', { conversationId, content: 'one' })).ok);
    assert.ok(await api.message.send.mutate({ conversationId, content: 'two' }));
    assert.ok((await socket.emitWithAck('send_message', { conversationId, content: 'three' })).ok);

    const refused = limitedAck(await socket.emitWithAck('send_message', { conversationId, content: 'four' }));
    assert.ok(refused, 'the fourth in the window is refused');
    assert.ok(refused.retryAfterMs! > 0 && refused.retryAfterMs! <= 2000, `retryAfterMs ${refused.retryAfterMs}`);

    const res = await fetch(`${h.url}/trpc/message.send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}`, origin: SITE_ORIGIN },
      body: JSON.stringify({ conversationId, content: 'four again' }),
    });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.equal(res.headers.get('access-control-expose-headers'), 'Retry-After');
    const body = (await res.json()) as { error: { data: { errorCode: string; retryAfterMs: number } } };
    assert.equal(body.error.data.errorCode, 'RATE_LIMITED');
    assert.equal(await storedUserMessages(h, conversationId), 3);

    await sleep(refused.retryAfterMs! + 50);
    assert.ok((await socket.emitWithAck('send_message', { conversationId, content: 'after the window' })).ok);
    await admin.admin.site.update.mutate({ limits: ROOMY_LIMITS });
  });

  it('limits new sessions per address and site', async () => {
    await h.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, sessionsPerIp: { points: 2, seconds: 60 } } });
    await h.session();
    await h.session();
    assert.equal(await trpcErrorCode(h.session()), 'RATE_LIMITED');
    await h.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
    assert.ok(await h.session(), 'a site’s new limits apply at once');
  });

  it('limits open sockets per visitor and per address, counting only open ones', async () => {
    const own = await startHarness(); // no sockets left open by other tests
    try {
      await own.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, socketsPerVisitor: 2, socketsPerIp: 3 } });
      const a = await own.session();
      const first = await own.socket(a.visitorToken);
      await own.socket(a.visitorToken);
      await assert.rejects(own.socket(a.visitorToken), refusedWith('RATE_LIMITED'));
      const b = await own.session();
      await own.socket(b.visitorToken);
      await assert.rejects(own.socket(b.visitorToken), refusedWith('RATE_LIMITED'), 'the address has 3 open');
      first.disconnect();
      await sleep(50);
      assert.ok(await own.socket(a.visitorToken), 'a closed socket frees its place');
    } finally {
      await own.close();
    }
  });

  it('limits events per socket: an acked event over the limit is answered RATE_LIMITED', async () => {
    await h.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, socketEvents: { points: 3, seconds: 60 } } });
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    for (let i = 0; i < 3; i++) assert.ok((await socket.emitWithAck('join_conversation', conversationId)).ok);
    const ack = await socket.emitWithAck('join_conversation', conversationId);
    assert.equal(!ack.ok && ack.error.code, 'RATE_LIMITED');
    await h.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
  });
});

describe('limits per client address (operator settings)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      config: {
        limits: { ...ROOMY_LIMITS, requestsPerIp: { points: 10, seconds: 60 }, socketConnectsPerIp: { points: 3, seconds: 60 } },
      },
    });
  });
  after(() => h.close());

  it('counts each call of a batch on its own, and refuses before running anything', async () => {
    const { visitorToken, conversationId } = await h.session(); // 1 call
    const api = h.api({ token: visitorToken });
    const batch = (n: number) => Promise.allSettled(Array.from({ length: n }, () => api.conversation.history.query({ conversationId })));
    assert.deepEqual((await batch(6)).map((r) => r.status), Array(6).fill('fulfilled')); // 7 calls
    const refused = await batch(4); // 11 > 10: the whole batch is refused
    assert.deepEqual(refused.map((r) => r.status), Array(4).fill('rejected'));
    assert.equal(await trpcErrorCode(api.conversation.history.query({ conversationId })), 'RATE_LIMITED');
    const res = await fetch(`${h.url}/trpc/conversation.history?input=${encodeURIComponent(JSON.stringify({ conversationId }))}`, {
      headers: { authorization: `Bearer ${visitorToken}`, origin: SITE_ORIGIN },
    });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal(res.headers.get('access-control-allow-origin'), SITE_ORIGIN);
  });

  it('limits how fast one address opens sockets', async () => {
    const fresh = await startHarness({
      config: { limits: { ...ROOMY_LIMITS, socketConnectsPerIp: { points: 2, seconds: 60 } } },
    });
    try {
      const { visitorToken } = await fresh.session();
      await fresh.socket(visitorToken);
      await fresh.socket(visitorToken);
      await assert.rejects(fresh.socket(visitorToken), refusedWith('RATE_LIMITED'));
    } finally {
      await fresh.close();
    }
  });
});

describe('character replies in flight', () => {
  let h: Harness;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const slowResponder: Responder = {
    async *reply() {
      await gate;
      yield 'At last.';
    },
  };
  before(async () => {
    h = await startHarness({ build: { responder: slowResponder }, config: { limits: { ...ROOMY_LIMITS, repliesInFlight: 1, replyQueue: 1 } } });
  });
  after(() => h.close());

  it('queues a bounded number per site and refuses more, writing nothing, until replies finish', async () => {
    const visitors = await Promise.all([h.session(), h.session(), h.session()]);
    const sockets = await Promise.all(visitors.map((v) => h.socket(v.visitorToken)));
    const send = (i: number, content: string) => sockets[i]!.emitWithAck('send_message', { conversationId: visitors[i]!.conversationId, content });
    assert.ok((await send(0, 'running')).ok);
    assert.ok((await send(1, 'queued')).ok);
    const refused = limitedAck(await send(2, 'one too many'));
    assert.ok(refused?.retryAfterMs, 'refused with a time to retry');
    assert.equal(await storedUserMessages(h, visitors[2]!.conversationId), 0);

    const replies = Promise.all([0, 1].map((i) => collect(sockets[i]!, 'receive_message', 1, 5000)));
    open();
    const [first, second] = await replies;
    assert.equal(first?.[0]?.content, 'At last.');
    assert.equal(second?.[0]?.content, 'At last.');
    assert.ok((await send(2, 'now there is room')).ok);
  });
});

describe('a silent character', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ config: { limits: { ...ROOMY_LIMITS, repliesInFlight: 1, replyQueue: 0 } } });
    await upsertCharacter(h.app.db, h.siteId, { slug: 'mute', name: 'Mute', responder: { kind: 'none' } });
  });
  after(() => h.close());

  it('takes no reply slot: a burst of sends is never refused for replies in flight', async () => {
    const { visitorToken, conversationId } = await h.session('mute');
    const socket = await h.socket(visitorToken);
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => socket.emitWithAck('send_message', { conversationId, content: `line ${i}` })));
    assert.deepEqual(acks.filter((a) => !a.ok), []);
    assert.equal(await storedUserMessages(h, conversationId), 20);
  });
  it('answers as soon as the site owner gives it a voice, though sends remember that it was silent', async () => {
    await upsertCharacter(h.app.db, h.siteId, { slug: 'shy', name: 'Shy', responder: { kind: 'none' } });
    const { visitorToken, conversationId } = await h.session('shy');
    const socket = await h.socket(visitorToken);
    assert.ok((await socket.emitWithAck('send_message', { conversationId, content: 'hello?' })).ok); // remembered: silent
    await h.admin().admin.characters.update.mutate({ slug: 'shy', responder: { kind: 'simulated' } });
    const reply = collect(socket, 'receive_message', 2, 5000); // the visitor's message, then the reply
    assert.ok((await socket.emitWithAck('send_message', { conversationId, content: 'hello now?' })).ok);
    const [, answer] = await reply;
    assert.equal(answer?.sender_type, 'character');
  });

  it('answers as soon as the site owner gives the site a voice, for a character that speaks with the site’s', async () => {
    await upsertCharacter(h.app.db, h.siteId, { slug: 'echo', name: 'Echo' }); // no responder of its own
    await h.admin().admin.site.update.mutate({ responder: { kind: 'none' } });
    const { visitorToken, conversationId } = await h.session('echo');
    const socket = await h.socket(visitorToken);
    assert.ok((await socket.emitWithAck('send_message', { conversationId, content: 'anyone?' })).ok); // remembered: silent
    await h.admin().admin.site.update.mutate({ responder: { kind: 'simulated' } });
    const reply = collect(socket, 'receive_message', 2, 5000);
    assert.ok((await socket.emitWithAck('send_message', { conversationId, content: 'anyone now?' })).ok);
    const [, answer] = await reply;
    assert.equal(answer?.sender_type, 'character');
  });
});

describe('behind a reverse proxy', () => {
  const xff = (ip: string) => ({ 'x-forwarded-for': ip, origin: SITE_ORIGIN, 'content-type': 'application/json' });
  const startFrom = (h: Harness, ip: string) =>
    fetch(`${h.url}/trpc/session.start`, { method: 'POST', headers: xff(ip), body: JSON.stringify({ siteKey: h.siteKey }) }).then((r) => r.status);
  const connectFrom = (h: Harness, token: string, ip: string) =>
    new Promise<string>((resolve) => {
      const socket = io(h.url, { auth: { token }, transports: ['websocket'], extraHeaders: xff(ip), reconnection: false, forceNew: true });
      socket.once('connect', () => resolve('ok'));
      socket.once('connect_error', (e: Error & { data?: { code: string } }) => resolve(e.data?.code ?? e.message));
    });

  for (const [trustProxy, sessions, sockets] of [
    ['loopback', [200, 200, 429], ['ok', 'ok']],
    ['false', [200, 429, 429], ['ok', 'RATE_LIMITED']],
  ] as const) {
    it(`${trustProxy === 'loopback' ? 'honours' : 'ignores'} X-Forwarded-For with TIPSY_TRUST_PROXY=${trustProxy}, on HTTP and sockets alike`, async () => {
      const h = await startHarness({ config: { trustProxy } });
      try {
        const tokens = [(await h.session()).visitorToken, (await h.session()).visitorToken];
        await h.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, sessionsPerIp: { points: 1, seconds: 60 }, socketsPerIp: 1 } });
        assert.deepEqual([await startFrom(h, '203.0.113.1'), await startFrom(h, '203.0.113.2'), await startFrom(h, '203.0.113.1')], sessions);
        assert.deepEqual([await connectFrom(h, tokens[0]!, '198.51.100.1'), await connectFrom(h, tokens[1]!, '198.51.100.2')], sockets);
      } finally {
        await h.close();
      }
    });
  }
});
