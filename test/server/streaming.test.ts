import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, startHarness, type Harness } from './harness.js';

describe('character replies', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ config: { simulatedDelayMs: 2 } })));
  after(() => h.close());

  it('streams numbered chunks between typing on and off, then stores and sends the whole reply', async () => {
    const { visitorToken, conversationId } = await h.session('barkeep');
    const socket = await h.socket(visitorToken);
    await socket.emitWithAck('join_conversation', conversationId);
    const events: string[] = [];
    const chunks: { seq: number; delta: string; message_id: string }[] = [];
    socket.on('typing', (e) => events.push(`typing:${e.sender_type}:${e.typing}`));
    socket.on('message_stream', (e) => (events.push('chunk'), chunks.push(e)));
    const final = new Promise<void>((resolve) =>
      socket.on('receive_message', (m) => (events.push(`message:${m.sender_type}`), m.sender_type === 'character' && resolve())),
    );
    await socket.emitWithAck('send_message', { conversationId, content: 'What is in a Negroni?', clientMessageId: 'n1' });
    await final;
    const reply = (await h.api({ token: visitorToken }).conversation.history.query({ conversationId })).messages.at(-1)!;

    assert.ok(chunks.length > 5, `streamed in ${chunks.length} chunks`);
    assert.deepEqual(chunks.map((c) => c.seq), chunks.map((_, i) => i));
    assert.ok(chunks.every((c) => c.message_id === reply.id));
    assert.equal(chunks.map((c) => c.delta).join('').trim(), reply.content);
    assert.match(reply.content, /\bknow\b/, 'without a lorebook it does not know, and says so');
    assert.doesNotMatch(reply.content, /Negroni/, 'never echoing the question');
    assert.deepEqual(
      events.filter((e) => e !== 'chunk'),
      ['message:user', 'typing:character:true', 'typing:character:false', 'message:character'],
    );
    assert.ok(events.indexOf('chunk') > events.indexOf('typing:character:true'));
  });

  it('answers in character, differently per message, the same for the same message', async () => {
    const ask = async (character: string, content: string) => {
      const { visitorToken, conversationId } = await h.session(character);
      const socket = await h.socket(visitorToken);
      const got = collect(socket, 'receive_message', 2);
      await socket.emitWithAck('send_message', { conversationId, content });
      return (await got)[1]!.content;
    };
    const a = await ask('barkeep', 'Any recommendations?');
    assert.equal(await ask('barkeep', 'Any recommendations?'), a);
    const replies = new Set(await Promise.all(['one', 'two', 'three', 'four'].map((q) => ask('barkeep', q))));
    assert.equal(replies.size, 4);
    assert.notEqual(await ask('guide', 'Any recommendations?'), a);
  });

  it('answers a burst of messages one reply at a time, the waiting reply answering the latest', async () => {
    // A lorebook entry per message, so each reply says which message it answers.
    const entries = ['apple', 'banana', 'cherry'].map((fruit) => ({ keys: [fruit], content: `Answering ${fruit}.` }));
    await h.admin().admin.characters.update.mutate({ slug: 'barkeep', characterBook: { entries } });
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const all = collect(socket, 'receive_message', 5, 5000);
    for (const content of ['apple', 'banana', 'cherry']) await socket.emitWithAck('send_message', { conversationId, content });
    const received = await all;
    // 'apple' is answered at once; 'banana' waits, and 'cherry' joins it: one reply, to 'cherry'.
    const said = received.map((m) => (m.sender_type === 'user' ? m.content : m.content.match(/Answering (\w+)\./)?.[1]));
    assert.deepEqual(said, ['apple', 'banana', 'cherry', 'apple', 'cherry']);
    await new Promise((r) => setTimeout(r, 100));
    const { messages } = await h.api({ token: visitorToken }).conversation.history.query({ conversationId });
    assert.equal(messages.length, 5, 'no other reply is stored');
    assert.deepEqual(messages.map((m) => m.seq), [1, 2, 3, 4, 5].map((n) => n + messages[0]!.seq - 1));
  });
});
