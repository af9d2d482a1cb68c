import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../server/protocol/message.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { startFakeModel, type FakeModel, LOCAL_MODEL_ENDPOINTS } from './fake-model.js';
import { collect, startHarness, type Harness } from './harness.js';

describe('replies from an OpenAI-compatible model', () => {
  let h: Harness;
  let model: FakeModel;
  before(async () => {
    model = await startFakeModel();
    h = await startHarness({
      config: {
        replyDeadlines: { firstMs: 700, idleMs: 700 },
        responderEndpoints: LOCAL_MODEL_ENDPOINTS,
      },
    });
    const admin = h.admin();
    for (const name of ['ok', 'blank-start', 'slow-start', 'error-mid', 'http-500', 'hang', 'long']) {
      await admin.admin.characters.create.mutate({
        slug: `m-${name}`,
        name: `Model ${name}`,
        persona: 'You are Rosa, a cheerful bartender.',
        examples: '{{user}}: Hi!\n{{char}}: Welcome in!',
        responder: { kind: 'openai', baseUrl: model.baseUrl, model: name },
      });
    }
    await admin.admin.characters.create.mutate({
      slug: 'm-down',
      name: 'Model down',
      responder: { kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1', model: 'ok' },
    });
  });
  after(async () => {
    await h.close();
    await model.close();
  });

  /** Sends one message and resolves with the reply as stored, how long it took, and what the socket saw. */
  async function ask(character: string, content = 'Hello?', act?: (socket: ChatSocket) => void) {
    const { visitorToken, conversationId } = await h.session(character);
    const socket = await h.socket(visitorToken);
    const typing: boolean[] = [];
    socket.on('typing', (e) => typing.push(e.typing));
    const started = Date.now();
    const reply = new Promise<Message>((resolve) => socket.on('receive_message', (m) => m.sender_type === 'character' && resolve(m)));
    if (act) act(socket);
    await socket.emitWithAck('send_message', { conversationId, content });
    const message = await reply;
    const took = Date.now() - started;
    const stored = (await h.api({ token: visitorToken }).conversation.history.query({ conversationId })).messages.at(-1)!;
    return { message, stored, took, typing, conversationId, socket };
  }

  it('streams the model’s tokens, prompted with the persona, examples and recent messages', async () => {
    const { message, stored, typing } = await ask('m-ok', 'What do you recommend?');
    assert.equal(message.content, 'Well, hello there, friend. What a fine evening for it.');
    assert.equal(message.status, undefined);
    assert.deepEqual(stored, message);
    assert.deepEqual(typing, [true, false]);
    const prompt = model.requests.at(-1)!;
    assert.equal(prompt.model, 'ok');
    assert.match(prompt.messages[0]!.content, /Rosa, a cheerful bartender/);
    assert.match(prompt.messages[0]!.content, /Model ok: Welcome in!/);
    assert.deepEqual(prompt.messages.at(-1), { role: 'user', content: 'What do you recommend?' });
  });

  it('begins a reply at its first words: leading whitespace neither starts it nor stands alone', async () => {
    const chunks: string[] = [];
    const { message } = await ask('m-blank-start', 'Hi', (socket) => socket.on('message_stream', (e) => chunks.push(e.delta)));
    assert.equal(message.content, 'Well, hello there, friend. What a fine evening for it.');
    assert.match(chunks[0]!, /\S/, 'the first streamed chunk carries words');
  });

  for (const [character, what, status, partial] of [
    ['m-down', 'the endpoint is down', 'failed', false],
    ['m-http-500', 'the endpoint answers an error', 'failed', false],
    ['m-slow-start', 'the endpoint is too slow to start', 'failed', false],
    ['m-error-mid', 'the stream breaks mid-way', 'interrupted', true],
    ['m-hang', 'the stream hangs mid-way', 'interrupted', true],
  ] as const) {
    it(`ends in bounded time with a kept ${status} reply when ${what}`, async () => {
      const { message, stored, took, typing } = await ask(character);
      assert.equal(message.status, status);
      assert.equal(stored.status, status);
      if (partial) assert.match(message.content, /^Well,/); // what had arrived, however much of it the server had read
      else assert.match(message.content, /could not answer/);
      assert.ok(took < 3000, `took ${took} ms`);
      assert.equal(typing.at(-1), false, 'the typing indicator is cleared');
    });
  }

  it('stops mid-stream when the visitor asks, keeping what was said as the reply', async () => {
    let chunks = 0;
    const { message, typing } = await ask('m-long', 'Tell me everything', (socket) =>
      socket.on('message_stream', (e) => {
        if (++chunks === 3) void socket.emitWithAck('stop_generation', { conversationId: e.conversation_id });
      }),
    );
    assert.equal(message.status, undefined, 'kept as the reply');
    assert.match(message.content, /^word0 word1 word2/);
    assert.ok(message.content.split(' ').length < 20, `stopped early: ${message.content}`);
    assert.equal(typing.at(-1), false);
  });

  it('stop_generation checks the conversation is the visitor’s own', async () => {
    const victim = await h.session('m-ok');
    const { visitorToken } = await h.session('m-ok');
    const socket = await h.socket(visitorToken);
    const ack = await socket.emitWithAck('stop_generation', { conversationId: victim.conversationId });
    assert.equal(!ack.ok && ack.error.code, 'NOT_FOUND');
  });

  it('keeps the prompt within the context budget, always with the message being answered', async () => {
    const { visitorToken, conversationId } = await h.session('m-ok');
    const api = h.api({ token: visitorToken });
    await h.admin().admin.characters.update.mutate({
      slug: 'm-ok',
      responder: { kind: 'openai', baseUrl: model.baseUrl, model: 'ok', contextChars: 600 },
    });
    for (let i = 0; i < 8; i++) {
      await api.message.send.mutate({ conversationId, content: `${i} ${'x'.repeat(150)}` });
      await new Promise((r) => setTimeout(r, 150));
    }
    const socket = await h.socket(visitorToken);
    const reply = collect(socket, 'receive_message', 2, 5000);
    await socket.emitWithAck('send_message', { conversationId, content: 'the last one' });
    await reply;
    const prompt = model.requests.at(-1)!;
    const carried = prompt.messages.slice(1).reduce((n, m) => n + m.content.length, 0);
    assert.ok(carried <= 600 + 200, `carried ${carried} characters`);
    assert.deepEqual(prompt.messages.at(-1), { role: 'user', content: 'the last one' });
  });
});
