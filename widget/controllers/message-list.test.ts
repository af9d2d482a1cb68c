/** MessageList on its own: how stored messages, acks, broadcasts and stream chunks merge. */
import { expect } from '@open-wc/testing';
import type { MessageStreamEvent } from '../../server/protocol/events.js';
import type { Message } from '../../server/protocol/message.js';
import { MessageList } from './message-list.js';

const CONVERSATION = 'c1';

function message(seq: number, fields: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversation_id: CONVERSATION,
    seq,
    sender_type: 'user',
    content: `message ${seq}`,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    ...fields,
  };
}

const reply = (seq: number, fields: Partial<Message> = {}) => message(seq, { sender_type: 'character', ...fields });

function chunk(messageSeq: number, seq: number, delta: string): MessageStreamEvent {
  return { conversation_id: CONVERSATION, message_id: `m${messageSeq}`, message_seq: messageSeq, seq, delta };
}

const contents = (list: MessageList) => list.entries.map((e) => e.content);
const statuses = (list: MessageList) => list.entries.map((e) => e.status);

describe('MessageList', () => {
  describe('stored messages', () => {
    it('keeps them in seq order, whatever order they arrive in', () => {
      const list = new MessageList();
      for (const seq of [3, 1, 2]) list.confirm(message(seq));
      expect(list.entries.map((e) => e.seq)).to.deep.equal([1, 2, 3]);
    });

    it('merges a message seen twice by id: one entry, complete only the first time', () => {
      const list = new MessageList();
      expect(list.confirm(message(1))).to.equal(true);
      expect(list.confirm(message(1, { content: 'changed?' }))).to.equal(false);
      expect(contents(list)).to.deep.equal(['message 1']);
    });

    it('maps the server status: interrupted and failed stay, anything else is sent', () => {
      const list = new MessageList();
      list.confirm(message(1));
      list.confirm(reply(2, { status: 'interrupted' }));
      list.confirm(reply(3, { status: 'failed' }));
      expect(statuses(list)).to.deep.equal(['sent', 'interrupted', 'failed']);
    });
  });

  describe('pending messages', () => {
    it('shows one at once, after the stored messages, in the order typed', () => {
      const list = new MessageList();
      list.addPending('a', 'first typed');
      list.confirm(message(1));
      list.addPending('b', 'second typed');
      expect(contents(list)).to.deep.equal(['message 1', 'first typed', 'second typed']);
      expect(statuses(list)).to.deep.equal(['sent', 'pending', 'pending']);
    });

    it('turns into the stored message by clientMessageId, keeping its key and taking its seq', () => {
      const list = new MessageList();
      const pending = list.addPending('a', 'hello');
      list.confirm(reply(1));
      expect(list.confirm(message(2, { content: 'hello', client_message_id: 'a' }))).to.equal(true);
      expect(list.entries).to.have.length(2);
      const stored = list.byClientId('a')!;
      expect(stored).to.include({ key: pending.key, id: 'm2', seq: 2, status: 'sent' });
    });

    it('drops the echo of an ack already merged (the same message from the room)', () => {
      const list = new MessageList();
      list.addPending('a', 'hello');
      list.confirm(message(1, { client_message_id: 'a', content: 'hello' }));
      expect(list.confirm(message(1, { client_message_id: 'a', content: 'hello' }))).to.equal(false);
      expect(contents(list)).to.deep.equal(['hello']);
    });

    it('fails only a pending entry, and retries only a failed one', () => {
      const list = new MessageList();
      list.addPending('a', 'hello');
      list.fail('a', { code: 'INVALID_INPUT', message: 'too long' });
      expect(list.byClientId('a')).to.include({ status: 'failed' });
      expect(list.byClientId('a')!.error).to.deep.equal({ code: 'INVALID_INPUT', message: 'too long' });

      expect(list.markPending('a')).to.include({ status: 'pending', error: undefined });
      expect(list.markPending('a'), 'already pending').to.equal(undefined);
      list.confirm(message(1, { client_message_id: 'a', content: 'hello' }));
      list.fail('a', { code: 'INTERNAL', message: 'late' });
      expect(list.byClientId('a'), 'a stored message does not fail').to.include({ status: 'sent' });
    });
  });

  describe('streamed replies', () => {
    it('applies chunks in order and ignores one already held or out of order', () => {
      const list = new MessageList();
      list.stream(chunk(2, 0, 'Hel'));
      list.stream(chunk(2, 1, 'lo'));
      list.stream(chunk(2, 1, 'lo'));
      list.stream(chunk(2, 3, ' there'));
      expect(contents(list)).to.deep.equal(['Hello']);
      expect(list.entries[0]).to.include({ status: 'streaming', nextSeq: 2, seq: 2, sender: 'character' });
      expect(list.streaming).to.equal(true);
    });

    it('ignores a stream that starts past its first chunk (the rest comes from history)', () => {
      const list = new MessageList();
      list.stream(chunk(2, 1, 'lo'));
      expect(list.entries).to.deep.equal([]);
    });

    it('resumes at the chunk history says it holds, and keeps whichever copy holds more', () => {
      const list = new MessageList();
      expect(list.confirm(reply(2, { status: 'streaming', content: 'Hello', chunks: 2 }))).to.equal(false);
      list.stream(chunk(2, 1, 'lo'));
      list.stream(chunk(2, 2, ' there'));
      expect(contents(list)).to.deep.equal(['Hello there']);

      // An older page of history arriving late does not take words away.
      list.confirm(reply(2, { status: 'streaming', content: 'Hel', chunks: 1 }));
      expect(contents(list)).to.deep.equal(['Hello there']);
      // A newer one does move it on, and the stream goes on from there.
      list.confirm(reply(2, { status: 'streaming', content: 'Hello there, friend', chunks: 4 }));
      list.stream(chunk(2, 3, ' again'));
      list.stream(chunk(2, 4, '!'));
      expect(contents(list)).to.deep.equal(['Hello there, friend!']);
    });

    it('closes with the stored reply, once, and ignores chunks after that', () => {
      const list = new MessageList();
      list.stream(chunk(2, 0, 'Hel'));
      expect(list.confirm(reply(2, { content: 'Hello' }))).to.equal(true);
      expect(list.confirm(reply(2, { content: 'Hello' }))).to.equal(false);
      list.stream(chunk(2, 1, 'lo'));
      expect(contents(list)).to.deep.equal(['Hello']);
      expect(statuses(list)).to.deep.equal(['sent']);
      expect(list.streaming).to.equal(false);
    });
  });

  describe('catchUpCursor', () => {
    it('is 0 when empty, else the last stored seq (pending entries have none)', () => {
      const list = new MessageList();
      expect(list.catchUpCursor).to.equal(0);
      list.confirm(message(4));
      list.confirm(message(5));
      list.addPending('a', 'not stored yet');
      expect(list.catchUpCursor).to.equal(5);
    });

    it('stops at the first hole, so messages missed while later ones arrived live are fetched too', () => {
      const list = new MessageList();
      for (const seq of [30, 31, 32, 35, 38]) list.confirm(message(seq));
      expect(list.catchUpCursor).to.equal(32);
    });

    it('starts before the first reply still streaming, so history sends it whole', () => {
      const list = new MessageList();
      list.confirm(message(1));
      list.stream(chunk(2, 0, 'Hel'));
      list.confirm(message(3));
      expect(list.catchUpCursor).to.equal(1);
    });
  });

  it('clear() empties the list', () => {
    const list = new MessageList();
    list.confirm(message(1));
    list.addPending('a', 'x');
    list.clear();
    expect(list.entries).to.deep.equal([]);
  });
});
