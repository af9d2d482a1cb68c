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
    assert.match(reply.content, /"What is in a Negroni\?"/);
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

  it('answers each of several quick messages once, one reply at a time', async () => {
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const all = collect(socket, 'receive_message', 6, 5000);
    for (const content of ['a', 'b', 'c']) await socket.emitWithAck('send_message', { conversationId, content });
    const received = await all;
    const replies = received.filter((m) => m.sender_type === 'character');
    assert.equal(replies.length, 3);
    ['a', 'b', 'c'].forEach((q, i) => assert.match(replies[i]!.content, new RegExp(`"${q}"`)));
  });
});
