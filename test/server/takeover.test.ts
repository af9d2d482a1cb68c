/**
 * Live takeover: a site owner pauses the character in a conversation and answers
 * the visitor as a person, then hands it back. Real server, real Socket.IO and
 * tRPC clients; a client of the original design hears the person's messages as
 * it hears any; every catch-up path brings them; and, over Redis, a takeover and
 * a person's messages made through one process hold on another.
 */
import { AGENT_TYPING_MS } from '../../server/chat/takeover.js';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { io as ioClient } from 'socket.io-client';
import { createSite } from '../../server/auth/sites.js';
import type { Responder } from '../../server/characters/responders/responder.js';
import { buildPrompt } from '../../server/characters/responders/prompt.js';
import { findCharacter } from '../../server/characters/store.js';
import type { AnsweredByEvent, TypingEvent } from '../../server/protocol/events.js';
import type { Message } from '../../server/protocol/message.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { collect, startHarness, trpcErrorCode, type Harness } from './harness.js';
import { NEEDS_REDIS, REDIS_URL } from './test-redis.js';

/** What the character was asked: the conversation, the message it answered, and the history it was given. */
interface Asked {
  conversationId: string;
  answered: string;
  history: readonly Message[];
}

/** A character that says a few words, then (while `holdMs` says so) holds the reply open until stopped. */
function heldResponder(asked: Asked[], hold: { ms: number }): Responder {
  return {
    async *reply({ history, signal }) {
      const trigger = history.at(-1)!;
      asked.push({ conversationId: trigger.conversation_id, answered: trigger.content, history });
      yield `About "${trigger.content}": let me think`;
      if (hold.ms) await sleep(hold.ms, undefined, { signal }).catch(() => undefined);
      if (!signal.aborted) yield ', there you go.';
    },
  };
}

/** The next message the socket hears that passes `which` (or a rejection after `ms`). */
function next(socket: ChatSocket, which: (m: Message) => boolean, ms = 5000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('receive_message', on);
      reject(new Error('no such message'));
    }, ms);
    const on = (m: Message) => {
      if (!which(m)) return;
      clearTimeout(timer);
      socket.off('receive_message', on);
      resolve(m);
    };
    socket.on('receive_message', on);
  });
}

const finishedReply = (m: Message) => m.sender_type === 'character' && m.status !== 'streaming';

describe('live takeover', () => {
  let h: Harness;
  const asked: Asked[] = [];
  const hold = { ms: 0 };
  before(async () => (h = await startHarness({ build: { responder: heldResponder(asked, hold) } })));
  after(() => h.close());

  const askedIn = (conversationId: string) => asked.filter((a) => a.conversationId === conversationId).map((a) => a.answered);

  /** A new visitor's conversation with a socket joined to it. */
  async function visitor() {
    const session = await h.session();
    const socket = await h.socket(session.visitorToken);
    const joined = await socket.emitWithAck('join_conversation', session.conversationId);
    assert.deepEqual(joined, { ok: true, conversationId: session.conversationId }, 'no agent while the character answers');
    return { ...session, socket, api: h.api({ token: session.visitorToken }) };
  }

  it('stops the reply streaming when a person takes over, tells the room, and asks the character nothing until hand-back', async () => {
    const { conversationId, socket, api, visitorToken } = await visitor();
    const otherTab = await h.socket(visitorToken);
    await otherTab.emitWithAck('join_conversation', conversationId);

    hold.ms = 10_000;
    const firstWords = collect(socket, 'message_stream', 1);
    const stopped = next(socket, finishedReply);
    await socket.emitWithAck('send_message', { conversationId, content: 'Tell me everything.' });
    await firstWords;

    const told = collect(otherTab, 'answered_by', 1);
    const started = Date.now();
    // The name is cleaned as every name is: one line, trimmed.
    const state = await h.admin().admin.conversations.takeOver.mutate({ conversationId, name: '  Sam\nat the bar ' });
    assert.equal(state.agentName, 'Sam at the bar');
    assert.equal(state.conversationId, conversationId);
    assert.ok(state.takenOverAt);
    assert.deepEqual(await told, [{ conversation_id: conversationId, agent: { name: 'Sam at the bar' } }] satisfies AnsweredByEvent[]);
    const reply = await stopped;
    const took = Date.now() - started;
    assert.equal(reply.status, undefined, 'complete: what was said is kept');
    assert.equal(reply.content, 'About "Tell me everything.": let me think');
    assert.ok(took < 1000, `the reply stopped ${took} ms after the takeover`);
    hold.ms = 0;

    // A visitor's message while a person answers: stored, heard by the room, and no reply asked for.
    const heardByOtherTab = next(otherTab, (m) => m.sender_type === 'user');
    const sent = await socket.emitWithAck('send_message', { conversationId, content: 'Is anyone there?' });
    assert.ok(sent.ok, JSON.stringify(sent));
    assert.equal((await heardByOtherTab).id, sent.message.id);

    // The person answers; the socket hears the visitor's line, then the person's, and nothing from the character between.
    const heard: Message[] = [];
    socket.on('receive_message', (m) => heard.push(m));
    const heardAnswer = next(otherTab, (m) => m.sender_type === 'agent');
    const answer = await h.admin().admin.conversations.reply.mutate({ conversationId, content: 'Right here. Sam speaking.' });
    assert.deepEqual(await heardAnswer, answer.message);
    assert.deepEqual(
      heard.map((m) => m.sender_type),
      ['agent'],
      'only the person spoke after the visitor',
    );

    // Handed back: the next message is the character's to answer, and only it.
    const handedBack = collect(otherTab, 'answered_by', 1);
    const released = await h.admin().admin.conversations.release.mutate({ conversationId });
    assert.deepEqual(released, { conversationId, agentName: null, takenOverAt: null });
    assert.deepEqual(await handedBack, [{ conversation_id: conversationId, agent: null }]);
    const answered = next(socket, finishedReply);
    await api.message.send.mutate({ conversationId, content: 'And a Negroni.' });
    assert.equal((await answered).content, 'About "And a Negroni.": let me think, there you go.');
    assert.deepEqual(askedIn(conversationId), ['Tell me everything.', 'And a Negroni.'], 'nothing asked while a person answered');
    const { messages } = await api.conversation.history.query({ conversationId });
    assert.deepEqual(
      messages.map((m) => `${m.sender_type}: ${m.content}`),
      [
        'user: Tell me everything.',
        'character: About "Tell me everything.": let me think',
        'user: Is anyone there?',
        'agent: Right here. Sam speaking.',
        'user: And a Negroni.',
        'character: About "And a Negroni.": let me think, there you go.',
      ],
    );
  });

  it('asks nothing for a reply that was waiting its turn when a person took over', async () => {
    const { conversationId, socket, api } = await visitor();
    hold.ms = 10_000;
    const firstWords = collect(socket, 'message_stream', 1);
    const stopped = next(socket, finishedReply);
    await api.message.send.mutate({ conversationId, content: 'First.' });
    await firstWords;
    // One reply at a time per conversation: this one waits behind the first.
    await api.message.send.mutate({ conversationId, content: 'Second.' });
    await h.admin().admin.conversations.takeOver.mutate({ conversationId, name: 'Sam' });
    hold.ms = 0;
    await stopped;
    // The waiting reply's turn came as the first stopped; the person's answer, two calls later, comes after it.
    await api.message.send.mutate({ conversationId, content: 'Third.' });
    await h.admin().admin.conversations.reply.mutate({ conversationId, content: 'Sam here.' });
    assert.deepEqual(askedIn(conversationId), ['First.']);
    const { messages } = await api.conversation.history.query({ conversationId });
    assert.deepEqual(messages.map((m) => m.sender_type), ['user', 'character', 'user', 'user', 'agent']);
  });

  it('reaches a client of the original design: receive_message with sender_type agent and the name, the takeover, the typing', async () => {
    const { conversationId, visitorToken } = await h.session();
    await h.admin().admin.conversations.takeOver.mutate({ conversationId, name: 'Ana' });
    // No acks, no join, no clientMessageId: a send joins it to the room.
    const seed = ioClient(h.url, { auth: { token: visitorToken }, transports: ['websocket'], extraHeaders: { origin: 'http://shop.example' }, forceNew: true });
    try {
      const received: Record<string, unknown>[] = [];
      const typing: TypingEvent[] = [];
      const answeredBy: AnsweredByEvent[] = [];
      seed.on('receive_message', (m: Record<string, unknown>) => received.push(m));
      seed.on('typing', (e: TypingEvent) => typing.push(e));
      seed.on('answered_by', (e: AnsweredByEvent) => answeredBy.push(e));
      seed.emit('send_message', { conversationId, content: 'Hello?' });
      await until(() => received.length === 1, 'its own message');

      await h.admin().admin.conversations.typing.mutate({ conversationId, typing: true });
      await h.admin().admin.conversations.reply.mutate({ conversationId, content: 'Hi, Ana here.' });
      await until(() => received.length === 2, 'the person’s message');
      const message = received[1]!;
      assert.equal(typeof message.id, 'string');
      assert.equal(message.conversation_id, conversationId);
      assert.equal(message.sender_type, 'agent');
      assert.equal(message.sender_name, 'Ana');
      assert.equal(message.content, 'Hi, Ana here.');
      assert.ok(!Number.isNaN(Date.parse(message.created_at as string)), 'created_at is ISO-8601');
      assert.equal(message.seq, 2, 'the visitor’s line first (no greeting), then the person’s');
      assert.deepEqual(typing, [{ conversation_id: conversationId, sender_type: 'agent', typing: true }]);

      await h.admin().admin.conversations.release.mutate({ conversationId });
      await until(() => answeredBy.length === 1, 'the hand-back');
      assert.deepEqual(answeredBy, [{ conversation_id: conversationId, agent: null }]);
      assert.deepEqual(typing.at(-1), { conversation_id: conversationId, sender_type: 'agent', typing: false }, 'the person stops typing as they leave');
    } finally {
      seed.disconnect();
    }
  });

  it('ends a person’s typing by itself when they stop saying it (a studio tab closed mid-sentence)', async () => {
    const { conversationId, socket } = await visitor();
    await h.admin().admin.conversations.takeOver.mutate({ conversationId, name: 'Ana' });
    const typing: { typing: boolean; at: number }[] = [];
    socket.on('typing', (e) => e.sender_type === 'agent' && typing.push({ typing: e.typing, at: performance.now() }));
    await h.admin().admin.conversations.typing.mutate({ conversationId, typing: true });
    await until(() => typing.length === 1, 'the person typing', 2000);
    // Nothing more is said: the room hears that they stopped, once, AGENT_TYPING_MS later.
    await until(() => typing.length === 2, 'the typing ended by the server', AGENT_TYPING_MS + 3000);
    assert.deepEqual(typing.map((t) => t.typing), [true, false]);
    assert.ok(typing[1]!.at - typing[0]!.at >= AGENT_TYPING_MS - 100, 'not before its time');
    await h.admin().admin.conversations.release.mutate({ conversationId });
    socket.disconnect();
  });

  it('brings a person’s messages and who answers to every catch-up: history, after, a rejoin, session.start, the owner’s list', async () => {
    const { conversationId, visitorToken, api, socket } = await visitor();
    await h.admin().admin.conversations.takeOver.mutate({ conversationId, name: 'Sam' });
    const asked = await api.message.send.mutate({ conversationId, content: 'Who is this?' });
    const reply = { conversationId, content: 'Sam, from the bar.', clientMessageId: 'owner-1' };
    const [first, retried] = await Promise.all([h.admin().admin.conversations.reply.mutate(reply), h.admin().admin.conversations.reply.mutate(reply)]);
    assert.equal(retried.message.id, first.message.id, 'a retried reply is stored once');
    assert.equal(first.message.sender_name, 'Sam');
    assert.equal(first.message.client_message_id, 'owner-1');

    const latest = await api.conversation.history.query({ conversationId });
    assert.deepEqual(latest.messages.filter((m) => m.sender_type === 'agent'), [first.message], 'stored once, as sent');
    const caughtUp = await api.conversation.history.query({ conversationId, after: String(asked.message.seq) });
    assert.deepEqual(caughtUp.messages, [first.message]);
    assert.deepEqual((await h.admin().admin.conversations.transcript.query({ conversationId })).messages.at(-1), first.message);

    const rejoined = await h.socket(visitorToken);
    assert.deepEqual(await rejoined.emitWithAck('join_conversation', conversationId), { ok: true, conversationId, agent: { name: 'Sam' } });
    assert.deepEqual(await socket.emitWithAck('join_conversation', conversationId), { ok: true, conversationId, agent: { name: 'Sam' } }, 'a joined socket asking again');
    const restarted = await h.api().session.start.mutate({ siteKey: h.siteKey, visitorToken });
    assert.equal(restarted.conversationId, conversationId);
    assert.deepEqual(restarted.agent, { name: 'Sam' });
    const listed = (await h.admin().admin.conversations.list.query({})).conversations.find((c) => c.id === conversationId);
    assert.equal(listed?.agentName, 'Sam');

    await h.admin().admin.conversations.release.mutate({ conversationId });
    assert.deepEqual(await rejoined.emitWithAck('join_conversation', conversationId), { ok: true, conversationId });
    assert.equal((await h.api().session.start.mutate({ siteKey: h.siteKey, visitorToken })).agent, undefined);
    assert.equal((await h.admin().admin.conversations.list.query({})).conversations.find((c) => c.id === conversationId)?.agentName, null);
    // Released twice: nothing changes, nothing is said to the room.
    assert.deepEqual(await h.admin().admin.conversations.release.mutate({ conversationId }), { conversationId, agentName: null, takenOverAt: null });
  });

  it('hands the character the person’s words as its own side of the conversation', async () => {
    const { conversationId, socket, api } = await visitor();
    await h.admin().admin.conversations.takeOver.mutate({ conversationId, name: 'Sam' });
    await api.message.send.mutate({ conversationId, content: 'Do you have gin?' });
    await h.admin().admin.conversations.reply.mutate({ conversationId, content: 'Twelve kinds.' });
    await h.admin().admin.conversations.release.mutate({ conversationId });
    const answered = next(socket, finishedReply);
    await api.message.send.mutate({ conversationId, content: 'The driest, then.' });
    await answered;
    const { history } = asked.filter((a) => a.conversationId === conversationId).at(-1)!;
    assert.deepEqual(
      history.map((m) => [m.sender_type, m.content]),
      [
        ['user', 'Do you have gin?'],
        ['agent', 'Twelve kinds.'],
        ['user', 'The driest, then.'],
      ],
    );
    const character = await findCharacter(h.app.db, h.siteId, 'barkeep');
    assert.deepEqual(
      buildPrompt(character, history).slice(1).map((m) => m.role),
      ['user', 'assistant', 'user'],
      'the person’s message is the assistant’s',
    );
  });

  it('refuses regenerate and choose_swipe while a person answers (NOT_ALLOWED), over both transports', async () => {
    const { conversationId, socket, api } = await visitor();
    const replied = next(socket, finishedReply);
    await api.message.send.mutate({ conversationId, content: 'Surprise me.' });
    const reply = await replied;
    await h.admin().admin.conversations.takeOver.mutate({ conversationId, name: 'Sam' });
    assert.equal(await trpcErrorCode(api.message.regenerate.mutate({ conversationId })), 'NOT_ALLOWED');
    const viaSocket = await socket.emitWithAck('regenerate', { conversationId });
    assert.equal(!viaSocket.ok && viaSocket.error.code, 'NOT_ALLOWED');
    assert.equal(await trpcErrorCode(api.message.chooseSwipe.mutate({ conversationId, messageId: reply.id, index: 0 })), 'NOT_ALLOWED');
    const { messages } = await api.conversation.history.query({ conversationId });
    assert.deepEqual(messages.at(-1), reply, 'the reply is as it was');

    // And once a person has answered, the last message is theirs, not a character's: still refused after hand-back.
    await h.admin().admin.conversations.reply.mutate({ conversationId, content: 'On the house.' });
    await h.admin().admin.conversations.release.mutate({ conversationId });
    assert.equal(await trpcErrorCode(api.message.regenerate.mutate({ conversationId })), 'NOT_ALLOWED');
  });

  it('takes a visitor’s message while a person answers even when the model budget is spent: no model is asked', async () => {
    // The socket joined before the takeover: what it knew of the conversation then is not what decides.
    const { conversationId, api, socket } = await visitor();
    const other = await visitor();
    await h.admin().admin.conversations.takeOver.mutate({ conversationId, name: 'Sam' });
    await h.admin().admin.site.update.mutate({ budget: { dailyTokens: 0 } });
    try {
      assert.equal(await trpcErrorCode(other.api.message.send.mutate({ conversationId: other.conversationId, content: 'A reply, please' })), 'QUOTA_EXCEEDED', 'the budget is spent');
      const overSocket = await socket.emitWithAck('send_message', { conversationId, content: 'Still there, Sam?' });
      assert.ok(overSocket.ok, JSON.stringify(overSocket));
      const overHttp = await api.message.send.mutate({ conversationId, content: 'Hello?' });
      assert.equal(overHttp.message.content, 'Hello?');
    } finally {
      await h.admin().admin.site.update.mutate({ budget: null });
    }
    assert.deepEqual(askedIn(conversationId), []);
  });

  it('refuses another site’s conversation (NOT_FOUND), a reply or typing not taken over (NOT_ALLOWED), and bad input (INVALID_INPUT)', async () => {
    const { conversationId } = await visitor();
    const stranger = await createSite(h.app.db, { name: 'Another shop', origins: ['http://other.example'] });
    const theirs = h.admin(stranger.secretKey).admin.conversations;
    assert.equal(await trpcErrorCode(theirs.takeOver.mutate({ conversationId, name: 'Eve' })), 'NOT_FOUND');
    assert.equal(await trpcErrorCode(theirs.reply.mutate({ conversationId, content: 'Hi' })), 'NOT_FOUND');
    assert.equal(await trpcErrorCode(theirs.typing.mutate({ conversationId, typing: true })), 'NOT_FOUND');
    assert.equal(await trpcErrorCode(theirs.release.mutate({ conversationId })), 'NOT_FOUND');
    const ours = h.admin().admin.conversations;
    assert.equal(await trpcErrorCode(ours.takeOver.mutate({ conversationId: 'no-such-conversation', name: 'Sam' })), 'NOT_FOUND');
    assert.equal((await ours.list.query({})).conversations.find((c) => c.id === conversationId)?.agentName, null, 'not taken over by the stranger');

    assert.equal(await trpcErrorCode(ours.reply.mutate({ conversationId, content: 'Hi' })), 'NOT_ALLOWED');
    assert.equal(await trpcErrorCode(ours.typing.mutate({ conversationId, typing: true })), 'NOT_ALLOWED');

    for (const name of ['', ' \n\t ', 'x'.repeat(61), '\ud800']) {
      assert.equal(await trpcErrorCode(ours.takeOver.mutate({ conversationId, name })), 'INVALID_INPUT', JSON.stringify(name));
    }
    assert.equal(await trpcErrorCode(ours.takeOver.mutate({ conversationId: '', name: 'Sam' })), 'INVALID_INPUT');
    await ours.takeOver.mutate({ conversationId, name: 'x'.repeat(60) });
    for (const content of ['', '   ', 'x'.repeat(4001)]) {
      assert.equal(await trpcErrorCode(ours.reply.mutate({ conversationId, content })), 'INVALID_INPUT', `content of ${content.length}`);
    }
    assert.equal(await trpcErrorCode(ours.reply.mutate({ conversationId, content: 'Hi', clientMessageId: 'x'.repeat(65) })), 'INVALID_INPUT');
    assert.equal(await trpcErrorCode(ours.typing.mutate({ conversationId, typing: 'yes' as never })), 'INVALID_INPUT');
    // A visitor's token is not a site owner's.
    const visitorSession = await h.session();
    const asVisitor = h.api({ token: visitorSession.visitorToken, origin: null }).admin.conversations;
    assert.equal(await trpcErrorCode(asVisitor.takeOver.mutate({ conversationId: visitorSession.conversationId, name: 'Me' })), 'UNAUTHORIZED');
    const { messages } = await h.admin().admin.conversations.transcript.query({ conversationId });
    assert.deepEqual(messages.filter((m) => m.sender_type === 'agent'), [], 'nothing refused was stored');
  });
});

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('live takeover across server processes', { skip: NEEDS_REDIS }, () => {
  let a: Harness;
  let b: Harness;
  const asked: Asked[] = [];
  const hold = { ms: 0 };
  before(async () => {
    const config = { redisUrl: REDIS_URL, redisPrefix: `tipsy-test-${randomUUID().slice(0, 8)}` };
    const responder = heldResponder(asked, hold);
    a = await startHarness({ config, build: { responder } });
    b = await startHarness({ config, build: { responder }, database: a.database, site: a.site });
  });
  after(async () => {
    await b?.stop();
    await a?.close();
  });

  it('a takeover and a person’s message made through one process reach a visitor on the other, and stop its reply', async () => {
    const { visitorToken, conversationId } = await a.session();
    const onB = await b.socket(visitorToken);
    await onB.emitWithAck('join_conversation', conversationId);
    const viaB = b.api({ token: visitorToken });

    // A reply running on B (the visitor's send went there) is stopped by a takeover made through A.
    hold.ms = 10_000;
    const firstWords = collect(onB, 'message_stream', 1);
    const stopped = next(onB, finishedReply);
    await viaB.message.send.mutate({ conversationId, content: 'A long story, please.' });
    await firstWords;
    const told = collect(onB, 'answered_by', 1);
    const started = Date.now();
    await a.admin().admin.conversations.takeOver.mutate({ conversationId, name: 'Sam' });
    assert.deepEqual(await told, [{ conversation_id: conversationId, agent: { name: 'Sam' } }]);
    const reply = await stopped;
    const took = Date.now() - started;
    assert.equal(reply.content, 'About "A long story, please.": let me think');
    assert.ok(took < 1000, `stopped on B ${took} ms after the takeover on A`);
    hold.ms = 0;

    // Asked on B while A's takeover holds: stored, no reply; the person's answer through A reaches the socket on B.
    const heard: Message[] = [];
    onB.on('receive_message', (m) => heard.push(m));
    await viaB.message.send.mutate({ conversationId, content: 'Hello, anyone?' });
    const answer = await a.admin().admin.conversations.reply.mutate({ conversationId, content: 'Sam here, on the other server.' });
    await until(() => heard.some((m) => m.id === answer.message.id), 'the person’s message on B');
    assert.deepEqual(
      heard.map((m) => [m.sender_type, m.sender_name ?? null, m.content]),
      [
        ['user', null, 'Hello, anyone?'],
        ['agent', 'Sam', 'Sam here, on the other server.'],
      ],
    );
    assert.deepEqual((await onB.emitWithAck('join_conversation', conversationId)), { ok: true, conversationId, agent: { name: 'Sam' } }, 'B reads the takeover');

    // Handed back through A: B's next send is answered.
    await a.admin().admin.conversations.release.mutate({ conversationId });
    const answered = next(onB, finishedReply);
    await viaB.message.send.mutate({ conversationId, content: 'Back to you, barkeep.' });
    assert.match((await answered).content, /^About "Back to you, barkeep\."/);
    assert.deepEqual(
      asked.filter((x) => x.conversationId === conversationId).map((x) => x.answered),
      ['A long story, please.', 'Back to you, barkeep.'],
    );
  });
});
