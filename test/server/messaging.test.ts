import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SendAck } from '../../server/protocol/events.js';
import { collect, startHarness, trpcErrorCode, type Harness } from './harness.js';

describe('sending messages', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('stores before it acks, then broadcasts to every socket in the conversation and no other', async () => {
    const { visitorToken, conversationId } = await h.session();
    const stranger = await h.session();
    const [tab1, tab2, other] = await Promise.all([
      h.socket(visitorToken),
      h.socket(visitorToken),
      h.socket(stranger.visitorToken),
    ]);
    for (const s of [tab1, tab2]) assert.deepEqual(await s.emitWithAck('join_conversation', conversationId), { ok: true, conversationId });
    await other.emitWithAck('join_conversation', stranger.conversationId);

    let strangerSaw = 0;
    other.on('receive_message', () => strangerSaw++);
    const seenByTab2 = collect(tab2, 'receive_message', 2);
    const ack = await tab1.emitWithAck('send_message', { conversationId, content: 'One Negroni, please', clientMessageId: 'c-1' });
    assert.ok(ack.ok);
    assert.equal(ack.message.content, 'One Negroni, please');
    assert.equal(ack.message.sender_type, 'user');
    assert.equal(ack.message.client_message_id, 'c-1');

    // Durable at ack time: history already holds it.
    const history = await h.api({ token: visitorToken }).conversation.history.query({ conversationId });
    assert.equal(history.messages.at(0)?.id, ack.message.id);

    const [own, reply] = await seenByTab2;
    assert.deepEqual(own, ack.message);
    assert.equal(reply?.sender_type, 'character');
    assert.equal(strangerSaw, 0);
  });

  it('stores a send retried with the same clientMessageId once, and answers with the first copy', async () => {
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const payload = { conversationId, content: 'Same again', clientMessageId: 'retry-me' };
    const ownAndReply = collect(socket, 'receive_message', 2);
    const [a, b] = await Promise.all([socket.emitWithAck('send_message', payload), socket.emitWithAck('send_message', payload)]);
    const viaHttp = await h.api({ token: visitorToken }).message.send.mutate(payload);
    assert.ok(a.ok && b.ok);
    assert.equal(a.message.id, b.message.id);
    assert.equal(viaHttp.message.id, a.message.id);
    await ownAndReply;
    const { messages } = await h.api({ token: visitorToken }).conversation.history.query({ conversationId });
    assert.equal(messages.filter((m) => m.sender_type === 'user').length, 1);
    assert.equal(messages.filter((m) => m.sender_type === 'character').length, 1);
  });

  it('works for a client of the original design: no ack, no clientMessageId, no join', async () => {
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const received = collect(socket, 'receive_message', 2);
    (socket as unknown as { emit(event: string, payload: unknown): void }).emit('send_message', { conversationId, content: 'hello' });
    const [mine, reply] = await received;
    assert.equal(mine?.content, 'hello');
    assert.equal(mine?.client_message_id, undefined);
    assert.equal(reply?.sender_type, 'character');
  });

  it('sends through tRPC when there is no socket, and the room still hears it', async () => {
    const { visitorToken, conversationId } = await h.session();
    const listener = await h.socket(visitorToken);
    await listener.emitWithAck('join_conversation', conversationId);
    const heard = collect(listener, 'receive_message', 2);
    const { message } = await h.api({ token: visitorToken }).message.send.mutate({ conversationId, content: 'via HTTP' });
    const [own, reply] = await heard;
    assert.equal(own?.id, message.id);
    assert.equal(reply?.sender_type, 'character');
  });

  it('relays the visitor’s typing to the other sockets of the conversation only after joining', async () => {
    const { visitorToken, conversationId } = await h.session();
    const [a, b] = await Promise.all([h.socket(visitorToken), h.socket(visitorToken)]);
    await b.emitWithAck('join_conversation', conversationId);
    let early = 0;
    b.on('typing', () => early++);
    a.emit('typing', { conversationId, typing: true }); // a has not joined: ignored
    await a.emitWithAck('join_conversation', conversationId);
    b.off('typing');
    const typing = collect(b, 'typing', 1);
    a.emit('typing', { conversationId, typing: true });
    assert.deepEqual(await typing, [{ conversation_id: conversationId, sender_type: 'user', typing: true }]);
    assert.equal(early, 0);
  });

  it('refuses another visitor’s conversation on every path', async () => {
    const victim = await h.session();
    const { visitorToken } = await h.session();
    const socket = await h.socket(visitorToken);
    const join = await socket.emitWithAck('join_conversation', victim.conversationId);
    assert.deepEqual(join, { ok: false, error: { code: 'NOT_FOUND', message: 'The conversation was not found.' } });
    const send: SendAck = await socket.emitWithAck('send_message', { conversationId: victim.conversationId, content: 'hi' });
    assert.equal(!send.ok && send.error.code, 'NOT_FOUND');
    assert.equal(
      await trpcErrorCode(h.api({ token: visitorToken }).message.send.mutate({ conversationId: victim.conversationId, content: 'hi' })),
      'NOT_FOUND',
    );
    const { messages } = await h.api({ token: victim.visitorToken }).conversation.history.query({ conversationId: victim.conversationId });
    assert.equal(messages.length, 0);

    // Typing into a stolen conversation reaches nobody.
    const victimSocket = await h.socket(victim.visitorToken);
    await victimSocket.emitWithAck('join_conversation', victim.conversationId);
    let heard = 0;
    victimSocket.on('typing', () => heard++);
    socket.emit('typing', { conversationId: victim.conversationId, typing: true });
    await socket.emitWithAck('join_conversation', victim.conversationId); // a round trip, so the typing was handled
    assert.equal(heard, 0);
  });
});
