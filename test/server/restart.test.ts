import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collect, startHarness } from './harness.js';

describe('persistence', () => {
  it('keeps conversations, messages and visitor tokens across a server restart', async () => {
    const first = await startHarness();
    const { visitorToken, conversationId } = await first.session();
    const socket = await first.socket(visitorToken);
    const both = collect(socket, 'receive_message', 2);
    await socket.emitWithAck('send_message', { conversationId, content: 'Remember me?', clientMessageId: 'm1' });
    await both;
    await first.stop();

    const second = await startHarness({ database: first.database, site: first.site });
    try {
      // The signing secret was persisted: the old token still works, with the same conversation.
      const again = await second.api().session.start.mutate({ siteKey: second.siteKey, visitorToken });
      assert.equal(again.conversationId, conversationId);
      const { messages } = await second.api({ token: visitorToken }).conversation.history.query({ conversationId });
      assert.deepEqual(messages.map((m) => m.sender_type), ['user', 'character']);
      assert.equal(messages[0]?.content, 'Remember me?');
      const resocket = await second.socket(visitorToken);
      const ack = await resocket.emitWithAck('send_message', { conversationId, content: 'Remember me?', clientMessageId: 'm1' });
      assert.ok(ack.ok && ack.message.id === messages[0]?.id, 'a retry after restart returns the stored copy');
    } finally {
      await second.stop();
      await first.database.drop();
    }
  });
});
