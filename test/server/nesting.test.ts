/**
 * Deeply nested JSON: JSON.parse builds it without complaint, but JSON.stringify
 * (and any recursive walk) overflows the stack on it. Every such value must get
 * a typed answer, never a 500, and the server must stay up. The payloads are
 * written as raw JSON text: no client library can serialise them either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { SITE_ORIGIN, startHarness, type Harness } from './harness.js';

const deepArray = (depth: number, inner = '') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

interface Envelope {
  error?: { message: string; code: number; data: { code: string; httpStatus: number; errorCode: string } };
}

describe('deeply nested input', () => {
  let h: Harness;
  let token: string;
  let conversationId: string;
  before(async () => {
    h = await startHarness();
    ({ visitorToken: token, conversationId } = await h.session());
  });
  after(() => h.close());

  async function post(path: string, body: string, headers: Record<string, string>) {
    const res = await fetch(`${h.url}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, body: (await res.json()) as Envelope };
  }

  it('refuses a 5,000- and a 100,000-deep card on import with INVALID_INPUT, and stays up', async () => {
    const admin = { authorization: `Bearer ${h.site.secretKey}` };
    const cards = [
      deepArray(5_000),
      deepArray(100_000),
      deepObject(5_000),
      `{"spec":"chara_card_v2","data":{"name":"Deep","extensions":{"x":${deepArray(5_000)}}}}`,
      `{"spec":"chara_card_v2","data":{"name":"Deep","other":${deepObject(5_000)}}}`,
    ];
    for (const card of cards) {
      const body = `{"card":${card}}`;
      assert.ok(body.length < 256 * 1024, 'within the body limit');
      const answer = await post('admin.characters.import', body, admin);
      assert.equal(answer.status, 400, `${card.slice(0, 60)} → ${JSON.stringify(answer.body).slice(0, 200)}`);
      assert.equal(answer.body.error?.data.errorCode, 'INVALID_INPUT');
      assert.match(answer.body.error!.message, /nested more than 64 levels/);
    }
    // A real card's few levels still import, and the server answers as before.
    const created = await h.admin().admin.characters.import.mutate({
      card: { spec: 'chara_card_v2', data: { name: 'Shallow', extensions: { a: { b: { c: [1, [2, [3]]] } } } } },
    });
    assert.equal(created.slug, 'shallow');
  });

  it('answers deep values at every widget procedure with a typed error', async () => {
    const headers = { origin: SITE_ORIGIN, authorization: `Bearer ${token}` };
    const small = [deepArray(5_000), deepObject(5_000)];
    const inputs = [...small, ...small.map((d) => `{"siteKey":${d},"conversationId":${d},"content":${d}}`), deepArray(100_000)];
    for (const path of ['session.start', 'message.send', 'message.stop']) {
      for (const input of inputs) {
        const answer = await post(path, input, headers);
        assert.equal(answer.status, 400, `${path} ${input.slice(0, 40)}`);
        assert.equal(answer.body.error?.data.errorCode, 'INVALID_INPUT');
      }
    }
    // A batch goes through tRPC's own handler rather than the direct path.
    const batch = await post('session.start,message.send?batch=1', `{"0":${deepArray(5_000)},"1":${deepObject(5_000)}}`, headers);
    assert.equal(batch.status, 400);
    // A query's input rides in the URL (brackets need no escaping there): 5,000 levels fit.
    for (const input of [deepArray(5_000), `{"conversationId":${deepArray(5_000)}}`]) {
      const res = await fetch(`${h.url}/trpc/conversation.history?input=${input}`, { headers });
      const body = (await res.json()) as Envelope;
      assert.equal(res.status, 400);
      assert.equal(body.error?.data.errorCode, 'INVALID_INPUT');
    }
    const history = await h.api({ token }).conversation.history.query({ conversationId });
    assert.ok(Array.isArray(history.messages), 'still up');
  });

  it('answers deep values at every socket event, and a deep binary packet ends only that socket', async () => {
    const socket = await h.socket(token);
    const engine = (socket as unknown as { io: { engine: RawEngine } }).io.engine;
    const deep = [deepArray(20_000), deepObject(5_000), `{"conversationId":${deepArray(20_000)},"content":"x"}`];
    let ackId = 9_000;
    for (const event of ['send_message', 'join_conversation', 'stop_generation']) {
      for (const payload of deep) {
        const id = ackId++;
        const ack = rawAck(engine, id);
        engine.write(`2${id}["${event}",${payload}]`);
        const answer = (await ack) as [{ ok: boolean; error?: { code: string } }];
        assert.equal(answer[0].error?.code, 'INVALID_INPUT', `${event} ${payload.slice(0, 40)}`);
      }
    }
    for (const payload of deep) engine.write(`2["typing",${payload}]`);
    const ack = await socket.timeout(2000).emitWithAck('send_message', { conversationId, content: 'still here' });
    assert.ok(ack.ok, 'the socket still works after every event got a deep payload');

    // Socket.IO rebuilds a binary packet (one with attachments) by walking it recursively.
    const binary = (depth: number, id = '') => `51-${id}["send_message",${deepArray(depth, '{"_placeholder":true,"num":0}')}]`;
    const id = ackId++;
    const binaryAck = rawAck(engine, id);
    engine.write(binary(5_000, String(id)));
    engine.write(Buffer.from('attachment'));
    assert.equal(((await binaryAck) as [{ error?: { code: string } }])[0].error?.code, 'INVALID_INPUT');
    // Too deep for that walk, Socket.IO's parser fails and closes that socket alone, as it does an oversized packet.
    const victim = await h.socket(token);
    const victimEngine = (victim as unknown as { io: { engine: RawEngine } }).io.engine;
    const gone = new Promise<string>((resolve) => victim.once('disconnect', resolve));
    victimEngine.write(binary(25_000));
    victimEngine.write(Buffer.from('attachment'));
    assert.equal(await gone, 'transport close');
    const again = await socket.timeout(2000).emitWithAck('send_message', { conversationId, content: 'and still' });
    assert.ok(again.ok, 'the server is up and other sockets unharmed');
    socket.disconnect();
  });
});

/** Engine.IO's socket under socket.io-client: raw packets in and out, so the test writes JSON no serialiser could. */
interface RawEngine {
  write(data: string | Buffer): void;
  on(event: 'message', fn: (data: unknown) => void): void;
  off(event: 'message', fn: (data: unknown) => void): void;
}

/** The ack for a packet written by hand: Socket.IO's `3<id>[…]` reply (Engine.IO's message frame removed). */
function rawAck(engine: RawEngine, id: number, ms = 2000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      engine.off('message', on);
      reject(new Error(`no ack ${id}`));
    }, ms);
    const on = (data: unknown) => {
      if (typeof data !== 'string' || !data.startsWith(`3${id}[`)) return;
      clearTimeout(timer);
      engine.off('message', on);
      resolve(JSON.parse(data.slice(`3${id}`.length)));
    };
    engine.on('message', on);
  });
}

export type { ChatSocket };
