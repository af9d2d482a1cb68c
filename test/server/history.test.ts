import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postMessage } from '../../server/chat/messages.js';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

describe('conversation.history', () => {
  let h: Harness;
  let token: string;
  let conversationId: string;
  before(async () => {
    h = await startHarness();
    ({ visitorToken: token, conversationId } = await h.session());
    for (let i = 0; i < 75; i++) {
      await postMessage(h.app.db, { conversationId, senderType: i % 2 ? 'character' : 'user', content: `message ${i}` });
    }
  });
  after(() => h.close());

  it('pages newest first, each page in chronological order, until the first message', async () => {
    const api = h.api({ token });
    const first = await api.conversation.history.query({ conversationId, limit: 30 });
    assert.deepEqual(first.messages.map((m) => m.content), Array.from({ length: 30 }, (_, i) => `message ${45 + i}`));
    assert.ok(first.nextCursor);

    const second = await api.conversation.history.query({ conversationId, limit: 30, before: first.nextCursor });
    assert.deepEqual(second.messages.map((m) => m.content), Array.from({ length: 30 }, (_, i) => `message ${15 + i}`));

    const last = await api.conversation.history.query({ conversationId, limit: 30, before: second.nextCursor! });
    assert.equal(last.messages.length, 15);
    assert.equal(last.messages[0]?.content, 'message 0');
    assert.equal(last.nextCursor, null);
  });

  it('returns messages in the wire shape of the original design', async () => {
    const { messages } = await h.api({ token }).conversation.history.query({ conversationId, limit: 1 });
    const [message] = messages;
    // The original design's fields, plus `seq` (the order to show them in).
    assert.deepEqual(Object.keys(message!).sort(), ['content', 'conversation_id', 'created_at', 'id', 'sender_type', 'seq']);
    assert.equal(message!.conversation_id, conversationId);
    assert.equal(new Date(message!.created_at).toISOString(), message!.created_at);
  });

  it('caps a page at 100 and rejects bad cursors and limits', async () => {
    const api = h.api({ token });
    const query = api.conversation.history.query as (input: unknown) => Promise<unknown>;
    assert.equal(await trpcErrorCode(query({ conversationId, limit: 101 })), 'INVALID_INPUT');
    assert.equal(await trpcErrorCode(query({ conversationId, limit: 0 })), 'INVALID_INPUT');
    assert.equal(await trpcErrorCode(query({ conversationId, before: 'x'.repeat(100) })), 'INVALID_INPUT');
    assert.equal(await trpcErrorCode(query({ conversationId: 7 })), 'INVALID_INPUT');
  });

  it('needs the visitor’s own token: none, a forged one, or another visitor’s gets no data', async () => {
    assert.equal(await trpcErrorCode(h.api().conversation.history.query({ conversationId })), 'UNAUTHORIZED');
    assert.equal(
      await trpcErrorCode(h.api({ token: `${token.slice(0, -4)}AAAA` }).conversation.history.query({ conversationId })),
      'UNAUTHORIZED',
    );
    const stranger = await h.session();
    assert.equal(
      await trpcErrorCode(h.api({ token: stranger.visitorToken }).conversation.history.query({ conversationId })),
      'NOT_FOUND',
    );
  });
});
