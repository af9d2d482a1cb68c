/**
 * `conversation.erase` over real tRPC ("Delete this chat"): a visitor erases their own conversation,
 * and only their own; its messages are gone from history and from the database; the next start opens
 * a fresh one; a tab still in the erased conversation is told NOT_FOUND on its next call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

describe('conversation.erase', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  const rowsOf = async (conversationId: string) => ({
    conversations: (await h.app.db.selectFrom('conversations').select('id').where('id', '=', conversationId).execute()).length,
    messages: (await h.app.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute()).length,
  });

  /** A new visitor with the host (who greets), having said `words` and heard the reply. */
  async function talked(words: string) {
    const session = await h.session('host');
    const api = h.api({ token: session.visitorToken });
    await api.message.send.mutate({ conversationId: session.conversationId, content: words });
    for (const deadline = Date.now() + 5000; ; await new Promise((r) => setTimeout(r, 20))) {
      const { messages } = await api.conversation.history.query({ conversationId: session.conversationId });
      if (messages.length === 3 && messages.every((m) => m.status !== 'streaming')) break;
      assert.ok(Date.now() < deadline, 'the reply never came');
    }
    return { ...session, api };
  }

  it('erases the visitor’s own conversation: its messages leave history and the database, and the next start is fresh', async () => {
    const { api, visitorToken, conversationId } = await talked('Forget I ever asked for a Negroni.');
    const other = await api.conversation.create.mutate({ conversationId });
    assert.deepEqual(await rowsOf(conversationId), { conversations: 1, messages: 3 });

    assert.deepEqual(await api.conversation.erase.mutate({ conversationId }), { erased: true });

    assert.deepEqual(await rowsOf(conversationId), { conversations: 0, messages: 0 });
    assert.equal(await trpcErrorCode(api.conversation.history.query({ conversationId })), 'NOT_FOUND');
    assert.equal(await trpcErrorCode(api.conversation.erase.mutate({ conversationId })), 'NOT_FOUND', 'erased once only');
    const { conversations } = await api.conversation.list.query({ conversationId: other.conversationId });
    assert.deepEqual(conversations.map((c) => c.id), [other.conversationId], 'the visitor’s other conversation stays');

    await api.conversation.erase.mutate({ conversationId: other.conversationId });
    // None left: a start opens a fresh first conversation, as on a first visit, with the greeting alone.
    const restarted = await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'host', visitorToken });
    assert.ok(![conversationId, other.conversationId].includes(restarted.conversationId));
    const fresh = await api.conversation.history.query({ conversationId: restarted.conversationId });
    assert.deepEqual(fresh.messages.map((m) => [m.sender_type, m.content]), [['character', 'Welcome! What will it be?']]);
  });

  it('answers NOT_FOUND for another visitor’s conversation, and erases nothing', async () => {
    const owner = await talked('This one is mine.');
    const stranger = await h.session('host');
    const strangerApi = h.api({ token: stranger.visitorToken });
    assert.equal(await trpcErrorCode(strangerApi.conversation.erase.mutate({ conversationId: owner.conversationId })), 'NOT_FOUND');
    assert.deepEqual(await rowsOf(owner.conversationId), { conversations: 1, messages: 3 });
    const { messages } = await owner.api.conversation.history.query({ conversationId: owner.conversationId });
    assert.equal(messages[1]!.content, 'This one is mine.');
    assert.equal(await trpcErrorCode(strangerApi.conversation.erase.mutate({ conversationId: 'no-such-conversation' })), 'NOT_FOUND');
  });

  it('refuses bad input with INVALID_INPUT, and a call without a token with UNAUTHORIZED', async () => {
    const { visitorToken, conversationId } = await h.session('host');
    const api = h.api({ token: visitorToken });
    for (const input of [{}, { conversationId: '' }, { conversationId: 42 }, { conversationId: 'x'.repeat(1000) }, { conversationId: 'a\u0000b' }]) {
      assert.equal(await trpcErrorCode(api.conversation.erase.mutate(input as never)), 'INVALID_INPUT', JSON.stringify(input));
    }
    assert.equal(await trpcErrorCode(h.api().conversation.erase.mutate({ conversationId })), 'UNAUTHORIZED');
    assert.deepEqual(await rowsOf(conversationId), { conversations: 1, messages: 1 }, 'nothing erased');
  });

  it('a tab still in the erased conversation hears NOT_FOUND on its next send or join', async () => {
    const { api, visitorToken, conversationId } = await talked('Two tabs open.');
    const otherTab = await h.socket(visitorToken);
    assert.deepEqual(await otherTab.emitWithAck('join_conversation', conversationId), { ok: true, conversationId });
    await api.conversation.erase.mutate({ conversationId });
    const sent = await otherTab.emitWithAck('send_message', { conversationId, content: 'Still there?' });
    assert.equal(!sent.ok && sent.error.code, 'NOT_FOUND');
    const joined = await otherTab.emitWithAck('join_conversation', conversationId);
    assert.equal(!joined.ok && joined.error.code, 'NOT_FOUND');
    assert.deepEqual(await rowsOf(conversationId), { conversations: 0, messages: 0 }, 'nothing stored after the erasure');
  });
});
