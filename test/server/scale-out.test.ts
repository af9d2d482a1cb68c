/**
 * Two server processes' worth of servers (two instances, one database) joined
 * through the real Redis on 127.0.0.1:6379: broadcasts, limits and access
 * changes must hold across them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { collect, ROOMY_LIMITS, startHarness, trpcErrorCode, type Harness } from './harness.js';
import { NEEDS_REDIS, REDIS_URL } from './test-redis.js';


const skip = NEEDS_REDIS;

describe('scale-out through Redis', { skip }, () => {
  let a: Harness;
  let b: Harness;
  before(async () => {
    // A fresh prefix per run: counts and channels never mix with another run's.
    const config = { redisUrl: REDIS_URL, redisPrefix: `tipsy-test-${randomUUID().slice(0, 8)}` };
    a = await startHarness({ config });
    b = await startHarness({ config, database: a.database, site: a.site });
  });
  after(async () => {
    await b?.stop();
    await a?.close();
  });

  it('delivers a message sent through one server to sockets on the other, reply included', async () => {
    const { visitorToken, conversationId } = await a.session();
    const onA = await a.socket(visitorToken);
    await onA.emitWithAck('join_conversation', conversationId);
    const heard = collect(onA, 'receive_message', 2, 5000);
    const { message } = await b.api({ token: visitorToken }).message.send.mutate({ conversationId, content: 'across the wire' });
    const [own, reply] = await heard;
    assert.equal(own?.id, message.id);
    assert.equal(reply?.sender_type, 'character');
  });

  it('shares one message limit between the servers, and resets it after the window', async () => {
    await a.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, messageBurst: { points: 3, seconds: 2 } } });
    const { visitorToken, conversationId } = await a.session();
    const [onA, onB] = await Promise.all([a.socket(visitorToken), b.socket(visitorToken)]);
    const send = (socket: typeof onA, content: string) => socket.emitWithAck('send_message', { conversationId, content });
    assert.ok((await send(onA, '1')).ok);
    assert.ok((await send(onB, '2')).ok);
    assert.ok(await a.api({ token: visitorToken }).message.send.mutate({ conversationId, content: '3' }));
    const refused = await send(onB, '4');
    assert.equal(!refused.ok && refused.error.code, 'RATE_LIMITED');
    assert.equal(await trpcErrorCode(b.api({ token: visitorToken }).message.send.mutate({ conversationId, content: '4' })), 'RATE_LIMITED');
    await sleep((!refused.ok && refused.error.retryAfterMs ? refused.error.retryAfterMs : 2000) + 50);
    assert.ok((await send(onB, 'after the window')).ok);
    await a.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
  });

  it('counts a visitor’s open sockets on both servers', async () => {
    await a.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, socketsPerVisitor: 1 } });
    const { visitorToken } = await a.session();
    await a.socket(visitorToken);
    await assert.rejects(b.socket(visitorToken), (err: Error & { data?: { code: string } }) => err.data?.code === 'RATE_LIMITED');
    await a.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
  });

  it('counts an address’s open sockets on both servers', async () => {
    await a.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, socketsPerIp: 2 } });
    try {
      const visitors = await Promise.all([a.session(), a.session(), a.session()]);
      // An address of its own: the suite's other sockets come from 127.0.0.1.
      const from = { localAddress: '127.0.0.77' };
      await a.socket(visitors[0]!.visitorToken, from);
      await b.socket(visitors[1]!.visitorToken, from);
      const refused = (err: Error & { data?: { code: string } }) => err.data?.code === 'RATE_LIMITED';
      await assert.rejects(a.socket(visitors[2]!.visitorToken, from), refused);
      await assert.rejects(b.socket(visitors[2]!.visitorToken, from), refused);
      await a.socket(visitors[2]!.visitorToken, { localAddress: '127.0.0.78' }); // another address still has room
    } finally {
      await a.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
    }
  });

  it('revoking a key on one server ends its sockets on the other at once', async () => {
    const extra = await a.admin().admin.keys.create.mutate({ kind: 'publishable' });
    const session = await b.api().session.start.mutate({ siteKey: extra.key });
    const onB = await b.socket(session.visitorToken);
    const gone = new Promise<string>((resolve) => onB.once('disconnect', resolve));
    const started = Date.now();
    await a.admin().admin.keys.revoke.mutate({ keyId: extra.id });
    assert.equal(await gone, 'io server disconnect');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });
});

describe('when Redis is unreachable', () => {
  it('keeps serving on its own: limits fall back to memory, local sockets still hear broadcasts, nothing crashes', async () => {
    const h = await startHarness({ config: { redisUrl: 'redis://127.0.0.1:1', redisPrefix: 'tipsy-test-down' } });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const { visitorToken, conversationId } = await h.session();
      const socket = await h.socket(visitorToken);
      await socket.emitWithAck('join_conversation', conversationId);
      const heard = collect(socket, 'receive_message', 2, 10_000);
      const ack = await socket.timeout(10_000).emitWithAck('send_message', { conversationId, content: 'anyone there?' });
      assert.ok(ack.ok);
      const [own] = await heard;
      assert.equal(own?.id, ack.message.id);
      await sleep(200);
      assert.deepEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
      await h.close();
    }
  });
});

