import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { beginReply, saveReplyProgress } from '../../server/chat/reply-store.js';
import type { Responder } from '../../server/characters/responders/responder.js';
import type { Message } from '../../server/protocol/message.js';
import { collect, startHarness, type Harness } from './harness.js';

/** The client side of catch-up, as the widget does it: everything after the last seq held, page by page. */
async function catchUp(h: Harness, token: string, conversationId: string, afterSeq: number): Promise<Message[]> {
  const out: Message[] = [];
  let after: string | null = String(afterSeq);
  while (after !== null) {
    const page = await h.api({ token }).conversation.history.query({ conversationId, after, limit: 30 });
    out.push(...page.messages);
    after = page.nextCursor;
  }
  return out;
}

describe('delivery', () => {
  let h: Harness;
  const silent: Responder = { async *reply() {} }; // no replies: only the visitor's messages count here
  before(async () => (h = await startHarness({ build: { responder: silent } })));
  after(() => h.close());

  it('numbers messages 1, 2, 3… per conversation, and pages forwards with after', async () => {
    const { visitorToken, conversationId } = await h.session();
    const api = h.api({ token: visitorToken });
    for (let i = 0; i < 7; i++) await api.message.send.mutate({ conversationId, content: `m${i}` });
    const page = await api.conversation.history.query({ conversationId, after: '2', limit: 3 });
    assert.deepEqual(page.messages.map((m) => [m.seq, m.content]), [[3, 'm2'], [4, 'm3'], [5, 'm4']]);
    assert.equal(page.nextCursor, '5');
    const rest = await api.conversation.history.query({ conversationId, after: page.nextCursor!, limit: 3 });
    assert.deepEqual(rest.messages.map((m) => m.seq), [6, 7]);
    assert.equal(rest.nextCursor, null);
  });

  it('a client offline while 100 messages arrive gets all 100 on return, in order, once', async () => {
    const { visitorToken, conversationId } = await h.session();
    const tab = await h.socket(visitorToken);
    await tab.emitWithAck('join_conversation', conversationId);
    const first = await tab.emitWithAck('send_message', { conversationId, content: 'before', clientMessageId: 'before' });
    assert.ok(first.ok);
    const held = first.message.seq;
    tab.disconnect();

    const other = h.api({ token: visitorToken }); // another tab keeps talking
    for (let i = 0; i < 100; i++) await other.message.send.mutate({ conversationId, content: `while away ${i}`, clientMessageId: `away-${i}` });

    tab.connect();
    await new Promise<void>((resolve) => tab.once('connect', () => resolve()));
    await tab.emitWithAck('join_conversation', conversationId);
    const missed = await catchUp(h, visitorToken, conversationId, held);
    assert.deepEqual(missed.map((m) => m.content), Array.from({ length: 100 }, (_, i) => `while away ${i}`));
    assert.equal(new Set(missed.map((m) => m.id)).size, 100);
    assert.deepEqual(missed.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => held + 1 + i));

    // And live again: the next message arrives by broadcast.
    const live = collect(tab, 'receive_message', 1);
    await other.message.send.mutate({ conversationId, content: 'welcome back' });
    assert.equal((await live)[0]?.content, 'welcome back');
  });

  it('stores the same send once across transports and retries, in the order it was first stored', async () => {
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const api = h.api({ token: visitorToken });
    const a = await socket.emitWithAck('send_message', { conversationId, content: 'one', clientMessageId: 'c1' });
    const b = await api.message.send.mutate({ conversationId, content: 'two', clientMessageId: 'c2' });
    const again = await api.message.send.mutate({ conversationId, content: 'one', clientMessageId: 'c1' });
    const again2 = await socket.emitWithAck('send_message', { conversationId, content: 'two', clientMessageId: 'c2' });
    assert.ok(a.ok && again2.ok);
    assert.equal(again.message.id, a.message.id);
    assert.equal(again2.message.id, b.message.id);
    const { messages } = await api.conversation.history.query({ conversationId });
    assert.deepEqual(messages.map((m) => m.client_message_id), ['c1', 'c2']);
  });
});

describe('replies that break', () => {
  let h: Harness;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const halting: Responder = {
    async *reply() {
      yield 'First words, ';
      yield 'then a pause… ';
      await gate;
      yield 'and the end.';
    },
  };
  before(async () => (h = await startHarness({ build: { responder: halting }, config: { streamStaleMs: 1000 } })));
  after(async () => {
    release();
    await h.close();
  });

  it('shows a reply in history while it streams (with its chunk count), then complete', async () => {
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const twoChunks = collect(socket, 'message_stream', 2);
    await socket.emitWithAck('send_message', { conversationId, content: 'tell me' });
    const chunks = await twoChunks;
    await sleep(700); // past one save interval
    const mid = (await h.api({ token: visitorToken }).conversation.history.query({ conversationId })).messages.at(-1)!;
    assert.equal(mid.id, chunks[0]!.message_id);
    assert.equal(mid.seq, chunks[0]!.message_seq);
    assert.equal(mid.status, 'streaming');
    assert.equal(mid.chunks, 2);
    assert.equal(mid.content, 'First words, then a pause… ');

    // The rest streams on from chunk 2, and the reply ends whole.
    const done = collect(socket, 'receive_message', 1, 5000);
    const rest = collect(socket, 'message_stream', 1, 5000);
    release();
    assert.deepEqual((await rest).map((c) => c.seq), [2]);
    const final = (await done)[0]!;
    assert.equal(final.content, 'First words, then a pause… and the end.');
    assert.equal(final.status, undefined);
  });

  it('marks a reply whose process died (no longer saved) as interrupted, keeping its words, and tells the room', async () => {
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    await socket.emitWithAck('join_conversation', conversationId);
    const told = collect(socket, 'receive_message', 1, 4000);
    const typing = collect(socket, 'typing', 1, 4000);
    const orphan = await beginReply(h.app.db, conversationId, 'Half ');
    await saveReplyProgress(h.app.db, orphan.id, 'Half a sent', 2);
    const [swept] = await told; // within streamStaleMs (1 s) and a sweep
    assert.deepEqual([swept?.id, swept?.status, swept?.content], [orphan.id, 'interrupted', 'Half a sent']);
    assert.deepEqual((await typing)[0], { conversation_id: conversationId, sender_type: 'character', typing: false });
    const rows = await h.app.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute();
    assert.deepEqual(rows.map((r) => [r.id, r.status]), [[orphan.id, 'interrupted']]);
  });
});
