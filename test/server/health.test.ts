/**
 * Health for load balancers: /healthz says the process is alive, /readyz that
 * it can take visitors now (database and Redis answer, not shutting down).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Responder } from '../../server/characters/responders/responder.js';
import { openDatabase } from '../../server/db/open.js';
import { SITE_ORIGIN, startHarness } from './harness.js';
import { NEEDS_REDIS, REDIS_URL } from './test-redis.js';


const readiness = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('health for load balancers', () => {
  it('is alive and ready on its own, with no Redis to ask', async () => {
    const h = await startHarness();
    try {
      assert.deepEqual(await (await fetch(`${h.url}/healthz`)).json(), { ok: true });
      assert.deepEqual(await readiness(h.url), { status: 200, body: { ready: true, draining: false, database: 'ok', redis: 'off' } });
    } finally {
      await h.close();
    }
  });

  it('stays ready while its Redis does not answer, and says so', async () => {
    const h = await startHarness({ config: { redisUrl: 'redis://127.0.0.1:1', redisPrefix: `tipsy-test-${randomUUID().slice(0, 8)}` } });
    try {
      assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
      assert.deepEqual(await readiness(h.url), { status: 200, body: { ready: true, draining: false, database: 'ok', redis: 'failing' } });
    } finally {
      await h.close();
    }
  });

  it('is ready with a Redis that answers', { skip: NEEDS_REDIS }, async () => {
    const h = await startHarness({ config: { redisUrl: REDIS_URL, redisPrefix: `tipsy-test-${randomUUID().slice(0, 8)}` } });
    try {
      assert.deepEqual((await readiness(h.url)).body, { ready: true, draining: false, database: 'ok', redis: 'ok' });
    } finally {
      await h.close();
    }
  });

  it('turns not ready as soon as shutdown begins, while running replies are still given time', async () => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let started!: () => void;
    const replyStarted = new Promise<void>((resolve) => (started = resolve));
    const slow: Responder = {
      async *reply() {
        started();
        await finished;
        yield 'Last orders.';
      },
    };
    const h = await startHarness({ build: { responder: slow }, config: { shutdownGraceMs: 5000 } });
    try {
      const { visitorToken, conversationId } = await h.session();
      await h.api({ token: visitorToken }).message.send.mutate({ conversationId, content: 'One more?' });
      await replyStarted;
      const closing = h.app.close();
      await sleep(50);
      const during = await fetch(`${h.url}/readyz`, { headers: { origin: SITE_ORIGIN } });
      assert.equal(during.status, 503, 'not ready while draining');
      await during.arrayBuffer();
      finish();
      await closing;
      // The server is gone now: read what it left in its database.
      const { db } = await openDatabase(h.database);
      const stored = await db.selectFrom('messages').select('content').where('sender_type', '=', 'character').execute();
      await db.destroy();
      assert.deepEqual(stored.map((m) => m.content), ['Last orders.'], 'the running reply was let finish');
    } finally {
      finish();
      await h.close();
    }
  });
});
