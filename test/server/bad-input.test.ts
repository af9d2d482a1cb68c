import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

const BAD_SENDS: unknown[] = [
  null,
  'hello',
  42,
  [],
  {},
  { content: 'no conversation' },
  { conversationId: '', content: 'x' },
  { conversationId: 123, content: 'x' },
  { conversationId: 'X', content: '' },
  { conversationId: 'X', content: '   \n\t ' },
  { conversationId: 'X', content: 'x'.repeat(4001) },
  { conversationId: 'X', content: { html: '<b>' } },
  { conversationId: 'X', content: 'x', clientMessageId: 'y'.repeat(65) },
];

describe('bad input', () => {
  let h: Harness;
  let token: string;
  let conversationId: string;
  let socket: ChatSocket;
  before(async () => {
    h = await startHarness();
    ({ visitorToken: token, conversationId } = await h.session());
    socket = await h.socket(token);
  });
  after(() => h.close());

  const fill = (payload: unknown) =>
    payload && typeof payload === 'object' && (payload as { conversationId?: unknown }).conversationId === 'X'
      ? { ...payload, conversationId }
      : payload;

  it('answers each malformed send_message with INVALID_INPUT and stores nothing', async () => {
    for (const payload of BAD_SENDS) {
      const ack = await socket.timeout(2000).emitWithAck('send_message', fill(payload) as never);
      assert.equal(!ack.ok && ack.error.code, 'INVALID_INPUT', JSON.stringify(payload)?.slice(0, 80));
    }
    const { messages } = await h.api({ token }).conversation.history.query({ conversationId });
    assert.equal(messages.length, 0);
  });

  it('answers each malformed message.send with INVALID_INPUT and stores nothing', async () => {
    const send = h.api({ token }).message.send.mutate as (input: unknown) => Promise<unknown>;
    for (const payload of BAD_SENDS) {
      assert.equal(await trpcErrorCode(send(fill(payload))), 'INVALID_INPUT', JSON.stringify(payload)?.slice(0, 80));
    }
    const { messages } = await h.api({ token }).conversation.history.query({ conversationId });
    assert.equal(messages.length, 0);
  });

  it('accepts a message of exactly 4,000 characters', async () => {
    const ack = await socket.emitWithAck('send_message', { conversationId, content: 'y'.repeat(4000) });
    assert.ok(ack.ok);
  });

  it('survives garbage on every event, unknown events and oversized packets', async () => {
    const loose = socket as unknown as { emit(event: string, ...args: unknown[]): void };
    loose.emit('join_conversation', { not: 'a string' });
    loose.emit('join_conversation');
    loose.emit('typing', 'nope');
    loose.emit('typing', null);
    loose.emit('no_such_event', 1, 2, 3);
    // Each of these ended the whole process once: a handler that threw before its promise, an `error` nobody listened for.
    loose.emit('stop_generation', null);
    loose.emit('stop_generation', {});
    loose.emit('stop_generation');
    loose.emit('error', { boom: true });
    loose.emit('send_message', { conversationId, content: 'no ack' }, 'not a function');
    const join = await socket.emitWithAck('join_conversation', 'x'.repeat(1000));
    assert.equal(!join.ok && join.error.code, 'INVALID_INPUT');

    const victim = await h.socket(token);
    const closed = new Promise<string>((resolve) => victim.on('disconnect', resolve));
    (victim as unknown as typeof loose).emit('send_message', { conversationId, content: 'z'.repeat(200_000) });
    assert.equal(await closed, 'transport close', 'an oversized packet closes only that socket');
    // The server is still up and the first socket still works.
    const ack = await socket.emitWithAck('send_message', { conversationId, content: 'still here' });
    assert.ok(ack.ok);
  });

  it('refuses a socket without a valid token, with a typed error', async () => {
    for (const bad of ['', 'garbage', `${token}x`]) {
      await assert.rejects(h.socket(bad), (err: Error & { data?: { code: string } }) => err.data?.code === 'UNAUTHORIZED');
    }
  });

  it('refuses a 1,000-call batch with a typed error, before running any call', async () => {
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [i, { conversationId, content: `batch ${i}` }])));
    const paths = Array.from({ length: 1000 }, () => 'message.send').join(',');
    const res = await fetch(`${h.url}/trpc/${paths}?batch=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    assert.equal(res.status, 400);
    const answer = JSON.stringify(await res.json());
    assert.match(answer, /"errorCode":"INVALID_INPUT"/);
    const stored = await h.app.db.selectFrom('messages').select('id').where('content', 'like', 'batch %').execute();
    assert.equal(stored.length, 0);
  });

  it('refuses a batch of more than 20 calls', async () => {
    const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [i, { conversationId }]))));
    const paths = Array.from({ length: 25 }, () => 'conversation.history').join(',');
    const res = await fetch(`${h.url}/trpc/${paths}?batch=1&input=${input}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 400);
  });
});
