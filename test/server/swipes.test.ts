import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { userHash } from '../../server/auth/identity.js';
import type { Responder } from '../../server/characters/responders/responder.js';
import { beginVersion } from '../../server/chat/message-versions.js';
import type { MessageStreamEvent } from '../../server/protocol/events.js';
import type { Message } from '../../server/protocol/message.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { startFakeModel, type FakeModel, LOCAL_MODEL_ENDPOINTS } from './fake-model.js';
import { collect, startHarness, trpcErrorCode, type Harness } from './harness.js';
import { NEEDS_REDIS, REDIS_URL } from './test-redis.js';

/** Regenerating a character's last reply, and choosing among its versions (swipes), over both transports. */
describe('swipes: regenerate and choose a version', () => {
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
    for (const name of ['counting', 'long', 'slow-start']) {
      await h.admin().admin.characters.create.mutate({
        slug: `m-${name}`,
        name: `Model ${name}`,
        greeting: 'Evening, {{user}}. I am {{char}}.',
        responder: { kind: 'openai', baseUrl: model.baseUrl, model: name },
      });
    }
  });
  after(async () => {
    await h.close();
    await model.close();
  });

  /** A new visitor's conversation with a socket joined to it, after one exchange: the reply is the last message. */
  async function exchanged(character = 'm-counting') {
    const { visitorToken, conversationId } = await h.session(character);
    const socket = await h.socket(visitorToken);
    await socket.emitWithAck('join_conversation', conversationId);
    const reply = nextReply(socket);
    const sent = await socket.emitWithAck('send_message', { conversationId, content: 'Something strong, please.' });
    assert.equal(sent.ok, true);
    return { visitorToken, conversationId, socket, reply: await reply, api: h.api({ token: visitorToken }) };
  }

  /** The next finished character message the socket hears. */
  function nextReply(socket: ChatSocket, ms = 5000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no finished reply')), ms);
      const on = (m: Message) => {
        if (m.sender_type !== 'character' || m.status === 'streaming') return;
        clearTimeout(timer);
        socket.off('receive_message', on);
        resolve(m);
      };
      socket.on('receive_message', on);
    });
  }

  async function latest(api: Harness['api'] extends (...a: never[]) => infer C ? C : never, conversationId: string) {
    return (await api.conversation.history.query({ conversationId })).messages;
  }

  it('regenerate streams a new version at a new seq, keeps the old one, and history shows the new one once', async () => {
    const { conversationId, socket, reply, api } = await exchanged();
    assert.equal(reply.content, `Reply number ${model.requests.length}.`);
    assert.equal(reply.swipe, undefined);
    const streamed: MessageStreamEvent[] = [];
    socket.on('message_stream', (e) => streamed.push(e));
    const moved = collect(socket, 'receive_message', 2);

    const ack = await socket.emitWithAck('regenerate', { conversationId });
    assert.ok(ack.ok, JSON.stringify(ack));
    const started = ack.message;
    assert.equal(started.id, reply.id);
    assert.equal(started.status, 'streaming');
    assert.equal(started.content, '');
    assert.deepEqual(started.swipe, { index: 1, count: 2 });
    assert.ok(started.seq > reply.seq, 'a change moves the message to a new seq');

    const [announced, finished] = await moved;
    assert.equal(announced!.id, reply.id);
    assert.equal(announced!.status, 'streaming');
    assert.equal(finished!.id, reply.id);
    assert.equal(finished!.status, undefined);
    assert.equal(finished!.seq, started.seq);
    assert.equal(finished!.content, `Reply number ${model.requests.length}.`);
    assert.notEqual(finished!.content, reply.content);
    assert.deepEqual(finished!.swipe, { index: 1, count: 2 });
    assert.ok(streamed.length >= 1);
    assert.ok(streamed.every((e) => e.message_id === reply.id && e.message_seq === started.seq));
    assert.deepEqual(streamed.map((e) => e.seq), streamed.map((_, i) => i));
    assert.equal(streamed.map((e) => e.delta).join(''), finished!.content);

    const messages = await latest(api, conversationId);
    assert.equal(messages.filter((m) => m.id === reply.id).length, 1);
    assert.deepEqual(messages.at(-1), finished);
    // The prompt for the new version ends with the visitor's message: never the version it replaces.
    const prompt = model.requests.at(-1)!.messages;
    assert.deepEqual(prompt.at(-1), { role: 'user', content: 'Something strong, please.' });
    assert.ok(!prompt.some((m) => m.content === reply.content));
  });

  it('choosing a version moves it to a new seq, reaches every tab, and the next prompt holds only the chosen one', async () => {
    const { visitorToken, conversationId, socket, reply, api } = await exchanged();
    const regenerated = nextReply(socket);
    await socket.emitWithAck('regenerate', { conversationId });
    const second = await regenerated;
    const otherTab = await h.socket(visitorToken);
    await otherTab.emitWithAck('join_conversation', conversationId);
    const heard = collect(otherTab, 'receive_message', 1);

    const ack = await socket.emitWithAck('choose_swipe', { conversationId, messageId: reply.id, index: 0 });
    assert.ok(ack.ok, JSON.stringify(ack));
    assert.equal(ack.message.content, reply.content);
    assert.deepEqual(ack.message.swipe, { index: 0, count: 2 });
    assert.ok(ack.message.seq > second.seq);
    assert.deepEqual((await heard)[0], ack.message);
    assert.deepEqual((await latest(api, conversationId)).at(-1), ack.message);

    // Choosing the version shown changes nothing.
    const same = await api.message.chooseSwipe.mutate({ conversationId, messageId: reply.id, index: 0 });
    assert.deepEqual(same.message, ack.message);

    const answered = nextReply(socket);
    await socket.emitWithAck('send_message', { conversationId, content: 'Another, please.' });
    await answered;
    const prompt = model.requests.at(-1)!.messages;
    const assistant = prompt.filter((m) => m.role === 'assistant').map((m) => m.content);
    assert.ok(assistant.includes(reply.content), 'the chosen version is in the prompt');
    assert.ok(!assistant.includes(second.content), 'a version not chosen is not');
    otherTab.disconnect();
  });

  it('a socket that missed the change catches up by seq (history after)', async () => {
    const { visitorToken, conversationId, socket, reply } = await exchanged();
    socket.disconnect(); // a tab that went away
    const api = h.api({ token: visitorToken });
    const regenerating = await api.message.regenerate.mutate({ conversationId });
    assert.equal(regenerating.message.status, 'streaming');
    const deadline = Date.now() + 5000;
    let caughtUp: Message | undefined;
    while (Date.now() < deadline) {
      const page = await api.conversation.history.query({ conversationId, after: String(reply.seq) });
      caughtUp = page.messages.find((m) => m.id === reply.id && m.status !== 'streaming');
      if (caughtUp) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(caughtUp, 'the changed message comes after the seq the tab last saw');
    assert.equal(caughtUp.seq, regenerating.message.seq);
    assert.deepEqual(caughtUp.swipe, { index: 1, count: 2 });
  });

  it('refuses what cannot change: a visitor message last, a reply still streaming, a greeting, an earlier message', async () => {
    // A greeting is swiped, not regenerated.
    const greeted = await h.session('m-counting');
    const greetedApi = h.api({ token: greeted.visitorToken });
    assert.equal(await trpcErrorCode(greetedApi.message.regenerate.mutate({ conversationId: greeted.conversationId })), 'NOT_ALLOWED');

    // A reply still streaming.
    const { visitorToken, conversationId } = await h.session('m-long');
    const socket = await h.socket(visitorToken);
    await socket.emitWithAck('join_conversation', conversationId);
    const streaming = new Promise<void>((resolve) => socket.once('message_stream', () => resolve()));
    const finished = nextReply(socket);
    await socket.emitWithAck('send_message', { conversationId, content: 'Tell me a long story.' });
    // Before the reply has begun, the visitor's message is the last: nothing to regenerate.
    const early = await socket.emitWithAck('regenerate', { conversationId });
    assert.equal(!early.ok && early.error.code, 'NOT_ALLOWED');
    await streaming;
    const during = await socket.emitWithAck('regenerate', { conversationId });
    assert.equal(!during.ok && during.error.code, 'NOT_ALLOWED');
    assert.match(!during.ok ? during.error.message : '', /still being written/);
    const reply = await finished;

    // An earlier message, once the visitor has written after it.
    await socket.emitWithAck('send_message', { conversationId, content: 'Go on.' });
    const earlier = await socket.emitWithAck('choose_swipe', { conversationId, messageId: reply.id, index: 0 });
    assert.equal(!earlier.ok && earlier.error.code, 'NOT_ALLOWED');
    await nextReply(socket);
  });

  it('refuses an index out of range (INVALID_INPUT), an unknown message and another visitor’s conversation (NOT_FOUND)', async () => {
    const { conversationId, socket, reply, api } = await exchanged();
    for (const index of [1, 19, 20, -1]) {
      const ack = await socket.emitWithAck('choose_swipe', { conversationId, messageId: reply.id, index });
      assert.equal(!ack.ok && ack.error.code, 'INVALID_INPUT', `index ${index}`);
    }
    assert.equal(await trpcErrorCode(api.message.chooseSwipe.mutate({ conversationId, messageId: 'no-such-message', index: 0 })), 'NOT_FOUND');

    const stranger = await h.session('m-counting');
    const strangerSocket = await h.socket(stranger.visitorToken);
    const regenerate = await strangerSocket.emitWithAck('regenerate', { conversationId });
    assert.equal(!regenerate.ok && regenerate.error.code, 'NOT_FOUND');
    const choose = await strangerSocket.emitWithAck('choose_swipe', { conversationId, messageId: reply.id, index: 0 });
    assert.equal(!choose.ok && choose.error.code, 'NOT_FOUND');
    const strangerApi = h.api({ token: stranger.visitorToken });
    assert.equal(await trpcErrorCode(strangerApi.message.regenerate.mutate({ conversationId })), 'NOT_FOUND');
    assert.equal(await trpcErrorCode(strangerApi.message.chooseSwipe.mutate({ conversationId, messageId: reply.id, index: 0 })), 'NOT_FOUND');
    // Nothing moved.
    assert.deepEqual((await latest(api, conversationId)).at(-1), reply);
  });

  it('two tabs regenerating at once: one new version, the other refused', async () => {
    const { visitorToken, conversationId, socket } = await exchanged();
    const otherTab = await h.socket(visitorToken);
    const finished = nextReply(socket);
    const acks = await Promise.all([
      socket.emitWithAck('regenerate', { conversationId }),
      otherTab.emitWithAck('regenerate', { conversationId }),
    ]);
    assert.equal(acks.filter((a) => a.ok).length, 1, JSON.stringify(acks));
    assert.equal(acks.filter((a) => !a.ok && a.error.code === 'NOT_ALLOWED').length, 1);
    assert.deepEqual((await finished).swipe, { index: 1, count: 2 });
    otherTab.disconnect();
  });

  it('keeps at most 20 versions: the 21st regenerate is refused', async () => {
    const { conversationId, socket } = await exchanged();
    for (let i = 2; i <= 20; i++) {
      const done = nextReply(socket);
      const ack = await socket.emitWithAck('regenerate', { conversationId });
      assert.ok(ack.ok, `version ${i}: ${JSON.stringify(ack)}`);
      assert.deepEqual((await done).swipe, { index: i - 1, count: i });
    }
    const refused = await socket.emitWithAck('regenerate', { conversationId });
    assert.equal(!refused.ok && refused.error.code, 'NOT_ALLOWED');
    assert.match(!refused.ok ? refused.error.message : '', /at most 20 versions/);
    const [first] = (await h.app.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('sender_type', '=', 'character').orderBy('seq', 'desc').limit(1).execute());
    const picked = await socket.emitWithAck('choose_swipe', { conversationId, messageId: first!.id, index: 0 });
    assert.ok(picked.ok && picked.message.swipe?.index === 0 && picked.message.swipe.count === 20);
  });

  it('a regenerate is counted as a send: the message windows refuse it, and refund nothing they did not take', async () => {
    await h.admin().admin.site.update.mutate({ limits: { messageBurst: { points: 3, seconds: 600 } } });
    try {
      const { conversationId, socket } = await exchanged(); // 1 point
      for (let i = 0; i < 2; i++) {
        const done = nextReply(socket);
        assert.ok((await socket.emitWithAck('regenerate', { conversationId })).ok); // 2, 3
        await done;
      }
      const refused = await socket.emitWithAck('regenerate', { conversationId });
      assert.equal(!refused.ok && refused.error.code, 'RATE_LIMITED');
      assert.ok(!refused.ok && refused.error.retryAfterMs! > 0);
      const send = await socket.emitWithAck('send_message', { conversationId, content: 'One more?' });
      assert.equal(!send.ok && send.error.code, 'RATE_LIMITED', 'regenerates used the same window');
    } finally {
      await h.admin().admin.site.update.mutate({ limits: null });
    }
  });

  it('a new version that fails is kept as failed; one stopped before any words goes back to the version before', async () => {
    const { conversationId, socket, reply } = await exchanged();
    // The character's model now takes longer to start than its deadline allows.
    await h.admin().admin.characters.update.mutate({ slug: 'm-counting', responder: { kind: 'openai', baseUrl: model.baseUrl, model: 'slow-start' } });
    try {
      const failed = nextReply(socket);
      assert.ok((await socket.emitWithAck('regenerate', { conversationId })).ok);
      const kept = await failed;
      assert.equal(kept.status, 'failed');
      assert.deepEqual(kept.swipe, { index: 1, count: 2 });

      const restored = nextReply(socket);
      const begun = await socket.emitWithAck('regenerate', { conversationId });
      assert.ok(begun.ok);
      assert.deepEqual(begun.message.swipe, { index: 2, count: 3 });
      await new Promise((r) => setTimeout(r, 150));
      assert.deepEqual(await socket.emitWithAck('stop_generation', { conversationId }), { ok: true, stopped: true });
      const back = await restored;
      assert.equal(back.id, reply.id);
      assert.deepEqual(back.swipe, { index: 1, count: 2 }, 'the version shown before the stop');
      assert.equal(back.status, 'failed');
      assert.ok(back.seq > begun.message.seq);
      const choose = await socket.emitWithAck('choose_swipe', { conversationId, messageId: reply.id, index: 0 });
      assert.ok(choose.ok);
      assert.equal(choose.message.content, reply.content);
    } finally {
      await h.admin().admin.characters.update.mutate({ slug: 'm-counting', responder: { kind: 'openai', baseUrl: model.baseUrl, model: 'counting' } });
    }
  });

  it('a verified visitor’s name fills {{user}}: in the greeting as stored, and in the prompt', async () => {
    await h.admin().admin.characters.update.mutate({ slug: 'm-counting', persona: 'You pour drinks for {{user}}.' });
    try {
      const user = { id: 'ada-1', hash: userHash(h.site.identitySecret, 'ada-1'), name: 'Ada' };
      const { visitorToken, conversationId } = await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'm-counting', user });
      const api = h.api({ token: visitorToken });
      assert.equal((await latest(api, conversationId))[0]!.content, 'Evening, Ada. I am Model counting.');
      const socket = await h.socket(visitorToken);
      const answered = nextReply(socket);
      await socket.emitWithAck('send_message', { conversationId, content: 'The usual.' });
      await answered;
      assert.match(model.requests.at(-1)!.messages[0]!.content, /You pour drinks for Ada\./);
    } finally {
      await h.admin().admin.characters.update.mutate({ slug: 'm-counting', persona: '' });
    }
  });

  it('a greeting with alternate greetings opens as versions, macros resolved, and can be swiped until the visitor writes', async () => {
    await h.app.db
      .updateTable('characters')
      .set({ alternate_greetings: JSON.stringify(['Back again, {{user}}?', 'What will it be, {{user}}?']) })
      .where('site_id', '=', h.siteId)
      .where('slug', '=', 'm-counting')
      .execute();
    try {
      const { visitorToken, conversationId } = await h.session('m-counting');
      const api = h.api({ token: visitorToken });
      const [greeting] = await latest(api, conversationId);
      assert.equal(greeting!.content, 'Evening, you. I am Model counting.');
      assert.deepEqual(greeting!.swipe, { index: 0, count: 3 });
      const socket = await h.socket(visitorToken);
      const chosen = await socket.emitWithAck('choose_swipe', { conversationId, messageId: greeting!.id, index: 2 });
      assert.ok(chosen.ok, JSON.stringify(chosen));
      assert.equal(chosen.message.content, 'What will it be, you?');
      assert.deepEqual(chosen.message.swipe, { index: 2, count: 3 });
      assert.equal(await trpcErrorCode(api.message.regenerate.mutate({ conversationId })), 'NOT_ALLOWED');

      const answered = nextReply(socket);
      await socket.emitWithAck('send_message', { conversationId, content: 'A martini.' });
      await answered;
      const prompt = model.requests.at(-1)!.messages.filter((m) => m.role !== 'system');
      assert.deepEqual(prompt[0], { role: 'assistant', content: 'What will it be, you?' });
      assert.ok(!prompt.some((m) => m.content.startsWith('Evening')));
      const fixed = await socket.emitWithAck('choose_swipe', { conversationId, messageId: greeting!.id, index: 0 });
      assert.equal(!fixed.ok && fixed.error.code, 'NOT_ALLOWED');
    } finally {
      await h.app.db.updateTable('characters').set({ alternate_greetings: '[]' }).where('slug', '=', 'm-counting').execute();
    }
  });
});

/**
 * Two servers over one database and one Redis: a change made through one
 * reaches the tabs on the other, and a new version left streaming by a server
 * that went away (never a word said) is dropped by the survivor's sweep.
 */
describe('swipes across servers', { skip: NEEDS_REDIS }, () => {
  let a: Harness;
  let b: Harness;
  let answers = 0;
  const responder: Responder = {
    async *reply() {
      yield `Version `;
      yield `${++answers}.`;
    },
  };
  before(async () => {
    const config = { redisUrl: REDIS_URL, redisPrefix: `tipsy-test-${randomUUID().slice(0, 8)}`, streamStaleMs: 1000 };
    a = await startHarness({ config, build: { responder } });
    b = await startHarness({ config, build: { responder }, database: a.database, site: a.site });
  });
  after(async () => {
    await b?.stop();
    await a?.close();
  });

  const finished = (socket: ChatSocket, ms = 5000) =>
    new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no finished reply')), ms);
      const on = (m: Message) => {
        if (m.sender_type !== 'character' || m.status === 'streaming') return;
        clearTimeout(timer);
        socket.off('receive_message', on);
        resolve(m);
      };
      socket.on('receive_message', on);
    });

  it('a regenerate through one server streams to a tab on the other; a version chosen on that one reaches the first', async () => {
    const { visitorToken, conversationId } = await a.session();
    const [onA, onB] = [await a.socket(visitorToken), await b.socket(visitorToken)];
    await onA.emitWithAck('join_conversation', conversationId);
    await onB.emitWithAck('join_conversation', conversationId);
    const first = finished(onA);
    await onA.emitWithAck('send_message', { conversationId, content: 'Hello from A.' });
    const reply = await first;

    const streamedOnA: MessageStreamEvent[] = [];
    onA.on('message_stream', (e) => streamedOnA.push(e));
    const secondOnA = finished(onA);
    const ack = await onB.emitWithAck('regenerate', { conversationId });
    assert.ok(ack.ok, JSON.stringify(ack));
    const second = await secondOnA;
    assert.equal(second.id, reply.id);
    assert.deepEqual(second.swipe, { index: 1, count: 2 });
    assert.ok(streamedOnA.length > 0 && streamedOnA.every((e) => e.message_seq === ack.message.seq));

    const heardOnB = collect(onB, 'receive_message', 1);
    const chosen = await onA.emitWithAck('choose_swipe', { conversationId, messageId: reply.id, index: 0 });
    assert.ok(chosen.ok);
    assert.deepEqual((await heardOnB)[0], chosen.message);
    assert.equal(chosen.message.content, reply.content);
  });

  it('a new version left streaming and empty by a server that went away goes back to the version before', async () => {
    const { visitorToken, conversationId } = await a.session();
    const socket = await a.socket(visitorToken);
    await socket.emitWithAck('join_conversation', conversationId);
    const first = finished(socket);
    await socket.emitWithAck('send_message', { conversationId, content: 'Hi.' });
    const reply = await first;
    // What a server that died right after a regenerate leaves: the message moved, streaming, empty, never saved again.
    const orphan = await beginVersion(a.app.db, conversationId);
    assert.equal(orphan.message.status, 'streaming');
    const restored = await finished(socket, 5000);
    assert.equal(restored.id, reply.id);
    assert.equal(restored.content, reply.content);
    assert.equal(restored.swipe, undefined, 'one version again');
    assert.ok(restored.seq > orphan.message.seq);
    const history = await a.api({ token: visitorToken }).conversation.history.query({ conversationId });
    assert.deepEqual(history.messages.at(-1), restored);
  });
});
