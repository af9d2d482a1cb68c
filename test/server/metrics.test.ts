/**
 * /metrics for Prometheus: off unless the operator turns it on, behind a token on the
 * chat port or on a port of its own, and counting what a visitor's talk really did.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { ROOMY_LIMITS, collect, startHarness, trpcErrorCode, type Harness } from './harness.js';
import { NEEDS_REDIS, REDIS_URL } from './test-redis.js';

/** A sample's value in Prometheus' text format (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('metrics', () => {
  const harnesses: Harness[] = [];
  const start = async (config: Parameters<typeof startHarness>[0]) => {
    const h = await startHarness(config);
    harnesses.push(h);
    return h;
  };
  after(() => Promise.all(harnesses.map((h) => h.close())));

  it('are not served unless the operator turns them on', async () => {
    const h = await start({});
    assert.equal((await fetch(`${h.url}/metrics`)).status, 404);
    assert.equal(h.app.metricsUrl, undefined);
  });

  it('count messages, replies, refusals and rate limits, behind a token on the chat port', async () => {
    const token = 'metrics-token-0123456789';
    const h = await start({
      config: { metrics: { token, host: '127.0.0.1' }, limits: { ...ROOMY_LIMITS, messageBurst: { points: 2, seconds: 60 } } },
    });
    assert.equal((await fetch(`${h.url}/metrics`)).status, 401, 'no token');
    assert.equal((await fetch(`${h.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401, 'a wrong token');
    const scrape = async () => {
      const response = await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      return response.text();
    };

    const { visitorToken, conversationId } = await h.session('barkeep');
    const socket = await h.socket(visitorToken);
    const stored = collect(socket, 'receive_message', 4);
    for (const content of ['One', 'Two']) await socket.emitWithAck('send_message', { conversationId, content });
    const refused = await socket.emitWithAck('send_message', { conversationId, content: 'Three' });
    assert.equal(refused.ok, false);
    await stored; // two messages, two replies
    assert.equal(await trpcErrorCode(h.api({ token: `${visitorToken}x` }).conversation.history.query({ conversationId })), 'UNAUTHORIZED');
    await assert.rejects(h.socket(`${visitorToken}x`), 'a socket with a bad token is refused');

    const text = await scrape();
    assert.equal(sample(text, 'tipsy_sockets_open'), 1);
    assert.equal(sample(text, 'tipsy_messages_stored_total', 'sender="user"'), 2);
    assert.equal(sample(text, 'tipsy_messages_stored_total', 'sender="character"'), 2);
    assert.equal(sample(text, 'tipsy_replies_total', 'outcome="complete"'), 2);
    assert.equal(sample(text, 'tipsy_reply_first_token_seconds_count'), 2);
    assert.equal(sample(text, 'tipsy_reply_duration_seconds_count'), 2);
    assert.ok(sample(text, 'tipsy_reply_chunks_total')! >= 2);
    assert.equal(sample(text, 'tipsy_rate_limited_total', 'limit="messageBurst"'), 1);
    assert.ok(sample(text, 'tipsy_model_tokens_total', 'direction="output",source="estimated"')! > 0, 'the simulated replies’ tokens, estimated');
    assert.ok(sample(text, 'tipsy_model_tokens_total', 'direction="input",source="estimated"')! > 0);
    assert.equal(sample(text, 'tipsy_refusals_total', 'transport="trpc",code="UNAUTHORIZED"'), 1);
    assert.equal(sample(text, 'tipsy_refusals_total', 'transport="socket",code="RATE_LIMITED"'), 1, 'the third message, refused in its ack');
    assert.equal(sample(text, 'tipsy_refusals_total', 'transport="socket",code="UNAUTHORIZED"'), 1, 'the bad token, refused at connect');
    assert.ok(sample(text, 'nodejs_eventloop_lag_seconds') !== undefined, 'event-loop lag');
    assert.ok(sample(text, 'tipsy_db_query_seconds_count', 'dialect="sqlite"')! > 0 || sample(text, 'tipsy_db_query_seconds_count', 'dialect="postgres"')! > 0, 'database timings');
  });

  it('can have a port of their own, off the public origin', async () => {
    const h = await start({ config: { metrics: { port: 0, host: '127.0.0.1' } } });
    assert.match(h.app.metricsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const response = await fetch(h.app.metricsUrl!);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /^# HELP /m);
    assert.equal((await fetch(h.app.metricsUrl!.replace('/metrics', '/'))).status, 404);
    assert.equal((await fetch(`${h.url}/metrics`)).status, 404, 'not on the chat port');
  });

  it('time Redis, with TIPSY_REDIS_URL, by its heartbeat', { skip: NEEDS_REDIS }, async () => {
    const h = await start({ config: { metrics: { port: 0, host: '127.0.0.1' }, redisUrl: REDIS_URL, redisPrefix: `tipsy-test-${randomUUID().slice(0, 8)}` } });
    // The heartbeat beats every 2 seconds on each connection.
    let count = 0;
    for (let i = 0; i < 30 && count === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      count = sample(await (await fetch(h.app.metricsUrl!)).text(), 'tipsy_redis_ping_seconds_count') ?? 0;
    }
    assert.ok(count > 0, 'Redis round trips timed');
  });
});
