/**
 * Replies on two servers (two instances, one database, one Redis with a fresh
 * prefix): one reply at a time per conversation and the site's reply places
 * hold across them, a stop reaches the server running the reply, and a reply
 * left streaming by a server that went away is closed by the survivor.
 * (Access changes across servers: scale-out.test.ts.)
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { Responder } from '../../server/characters/responders/responder.js';
import { beginReply } from '../../server/chat/reply-store.js';
import { ROOMY_LIMITS, startHarness, type Harness } from './harness.js';
import { NEEDS_REDIS, REDIS_URL } from './test-redis.js';

const STREAM_STALE_MS = 1000;

const skip = NEEDS_REDIS;

/** What the responder saw: which conversation, which visitor message it answered, and whether it finished. */
interface Call {
  conversationId: string;
  answered: number;
  done: boolean;
}

describe('replies across servers', { skip }, () => {
  let a: Harness;
  let b: Harness;
  const calls: Call[] = [];
  const active = new Map<string, number>();
  const maxActive = new Map<string, number>();
  let activeAll = 0;
  let maxActiveAll = 0;
  /** How long each reply takes between its first and last words (long for the stop test). */
  let holdMs = 300;

  /** Counts replies running at once, per conversation and in all, whichever server runs them. */
  const responder: Responder = {
    async *reply({ history, signal }) {
      const trigger = history.at(-1)!;
      const call = { conversationId: trigger.conversation_id, answered: trigger.seq, done: false };
      calls.push(call);
      const id = call.conversationId;
      active.set(id, (active.get(id) ?? 0) + 1);
      maxActive.set(id, Math.max(maxActive.get(id) ?? 0, active.get(id)!));
      maxActiveAll = Math.max(maxActiveAll, ++activeAll);
      try {
        yield 'Let me think';
        await sleep(holdMs, undefined, { signal }).catch(() => undefined);
        if (!signal.aborted) yield ' about that.';
      } finally {
        active.set(id, active.get(id)! - 1);
        activeAll--;
        call.done = true;
      }
    },
  };

  const prefix = `tipsy-test-${randomUUID().slice(0, 8)}`;
  before(async () => {
    const config = { redisUrl: REDIS_URL, redisPrefix: prefix, streamStaleMs: STREAM_STALE_MS };
    a = await startHarness({ config, build: { responder } });
    b = await startHarness({ config, build: { responder }, database: a.database, site: a.site });
  });
  after(async () => {
    await b?.stop();
    await a?.close();
  });

  async function until(condition: () => boolean, ms: number, what: string) {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  it('never streams two replies into one conversation at once, and answers the latest message', async () => {
    const { visitorToken, conversationId } = await a.session();
    const [onA, onB] = [a.api({ token: visitorToken }), b.api({ token: visitorToken })];
    const sent = await Promise.all(
      ['one', 'two', 'three', 'four'].map((content, i) => (i % 2 ? onB : onA).message.send.mutate({ conversationId, content })),
    );
    const latest = Math.max(...sent.map((s) => s.message.seq));
    await until(() => calls.some((c) => c.conversationId === conversationId && c.answered === latest && c.done), 5000, 'the latest answered');
    await sleep(500); // room for a reply that should not come
    await until(() => (active.get(conversationId) ?? 0) === 0, 5000, 'replies to end');

    const mine = calls.filter((c) => c.conversationId === conversationId);
    assert.equal(maxActive.get(conversationId), 1, `replies at once: ${maxActive.get(conversationId)}`);
    assert.equal(new Set(mine.map((c) => c.answered)).size, mine.length, 'no message answered twice');
    const { messages } = await a.api({ token: visitorToken }).conversation.history.query({ conversationId });
    assert.equal(messages.at(-1)?.sender_type, 'character');
    assert.equal(messages.at(-1)?.status, undefined, 'complete');
  });

  it('runs a site’s repliesInFlight across both servers, not per server', async () => {
    await a.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, repliesInFlight: 1 } });
    try {
      const visitors = await Promise.all([a.session(), a.session(), a.session(), a.session()]);
      maxActiveAll = activeAll;
      const before = calls.length;
      await Promise.all(
        visitors.map(({ visitorToken, conversationId }, i) =>
          (i % 2 ? b : a).api({ token: visitorToken }).message.send.mutate({ conversationId, content: 'Hello?' }),
        ),
      );
      await until(() => calls.length - before === 4 && calls.slice(before).every((c) => c.done), 10_000, 'four replies');
      assert.equal(maxActiveAll, 1, `replies running at once on the site: ${maxActiveAll}`);
    } finally {
      await a.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
    }
  });

  it('holds one visitor’s and one address’s share of the site’s places across both servers', async () => {
    holdMs = 3000;
    await a.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, repliesPerVisitor: 1, repliesPerIp: 2 } });
    const refusal = (sending: Promise<unknown>) =>
      sending.then(
        () => 'stored',
        (error: { data?: { errorCode?: string }; message: string }) => `${error.data?.errorCode}: ${error.message}`,
      );
    try {
      const first = await a.session();
      const second = await a.session();
      const third = await a.session();
      await a.api({ token: first.visitorToken }).message.send.mutate({ conversationId: first.conversationId, content: 'One' });
      assert.match(
        await refusal(b.api({ token: first.visitorToken }).message.send.mutate({ conversationId: first.conversationId, content: 'Two' })),
        /^RATE_LIMITED: The character is still answering your earlier messages/,
        'the visitor’s one place is taken on the other server',
      );
      assert.equal(await refusal(b.api({ token: second.visitorToken }).message.send.mutate({ conversationId: second.conversationId, content: 'Hi' })), 'stored');
      assert.match(
        await refusal(a.api({ token: third.visitorToken }).message.send.mutate({ conversationId: third.conversationId, content: 'Hey' })),
        /^RATE_LIMITED: The character is answering many people on your network/,
        'the address’s two places are taken, one on each server',
      );
      const { messages } = await b.api({ token: first.visitorToken }).conversation.history.query({ conversationId: first.conversationId });
      assert.deepEqual(messages.filter((m) => m.sender_type !== 'character').map((m) => m.content), ['One'], 'a refused send stores nothing');
    } finally {
      holdMs = 300;
      await until(() => activeAll === 0, 10_000, 'the held replies to end');
      await a.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
    }
  });

  it('frees the reply place and the conversation’s turn a server that died left in Redis, when they expire', async () => {
    const redis = new Redis(REDIS_URL);
    await a.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, repliesInFlight: 1 } });
    try {
      const { visitorToken, conversationId } = await a.session();
      // What a server killed mid-reply leaves: the site's one running place, and the conversation's turn, unrenewed.
      const [seconds, micros] = await redis.time();
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      await redis.zadd(`${prefix}:reply-places:${a.siteId}:running`, now + 800, 'lease-of-a-dead-server');
      await redis.set(`${prefix}:reply-turn:${conversationId}`, 'turn-of-a-dead-server', 'PX', 400);
      const sent = Date.now();
      await b.api({ token: visitorToken }).message.send.mutate({ conversationId, content: 'Anyone?' });
      await until(() => calls.some((c) => c.conversationId === conversationId), 5000, 'the reply to start');
      const waited = Date.now() - sent;
      assert.ok(waited >= 700 && waited < 2000, `started ${waited} ms after the send`);
      console.log(`reply started ${waited} ms after the send, behind a dead server's running place expiring at 800 ms (its turn at 400 ms)`);
    } finally {
      await a.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
      redis.disconnect();
    }
  });

  it('stops, through one server, a reply running on the other', async () => {
    holdMs = 10_000;
    try {
      const { visitorToken, conversationId } = await a.session();
      const watcher = await b.socket(visitorToken);
      await watcher.emitWithAck('join_conversation', conversationId);
      const ended = new Promise<{ status?: string; content: string }>((resolve) =>
        watcher.on('receive_message', (m) => m.sender_type === 'character' && resolve(m)),
      );
      await a.api({ token: visitorToken }).message.send.mutate({ conversationId, content: 'Tell me everything.' });
      await until(() => (active.get(conversationId) ?? 0) === 1, 5000, 'the reply to start on A');
      const started = Date.now();
      await b.api({ token: visitorToken }).message.stop.mutate({ conversationId });
      const reply = await ended;
      const took = Date.now() - started;
      assert.equal(reply.status, undefined, 'complete: what was said is kept');
      assert.equal(reply.content, 'Let me think');
      assert.ok(took < 1000, `stopped after ${took} ms`);
      console.log(`a reply on A stopped through B in ${took} ms`);
    } finally {
      holdMs = 300;
    }
  });

  it('a survivor marks a reply left streaming by a server that went away as interrupted, within the stale period', async () => {
    const { visitorToken, conversationId } = await a.session();
    const watcher = await b.socket(visitorToken);
    await watcher.emitWithAck('join_conversation', conversationId);
    const ended = new Promise<{ id: string; status?: string }>((resolve) =>
      watcher.on('receive_message', (m) => m.sender_type === 'character' && resolve(m)),
    );
    // A reply's row as a server leaves it when it dies mid-reply: streaming, saved no more.
    const left = await beginReply(a.app.db, conversationId, 'Half a sent');
    const lastSaved = Date.now();
    await a.stop();
    const reply = await Promise.race([ended, sleep(3 * STREAM_STALE_MS).then(() => undefined)]);
    const took = Date.now() - lastSaved;
    assert.equal(reply?.id, left.id, 'the survivor closed the reply');
    assert.equal(reply.status, 'interrupted');
    // Marked as soon as it has not been saved for the stale period: within the period of its server dying.
    assert.ok(took <= STREAM_STALE_MS + 250, `marked ${took} ms after its last save`);
    console.log(`stale reply marked interrupted by the survivor ${took} ms after its last save (stale period ${STREAM_STALE_MS} ms)`);
  });
});
