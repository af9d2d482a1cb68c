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

  describe('changed messages (a new version, or another one chosen)', () => {
    const swiped = (seq: number, content: string, index: number, count: number, fields: Partial<Message> = {}) =>
      reply(seq, { id: 'm2', content, swipe: { index, count }, ...fields });

    it('takes a known id at a later seq as a replacement, in place, and ignores an older copy', () => {
      const list = new MessageList();
      list.confirm(message(1));
      list.confirm(reply(2, { content: 'first' }));
      const key = list.entries[1]!.key;
      expect(list.confirm(swiped(4, 'second', 1, 2)), 'complete again').to.equal(true);
      expect(list.entries).to.have.length(2);
      expect(list.entries[1]).to.include({ key, id: 'm2', seq: 4, content: 'second', status: 'sent' });
      expect(list.entries[1]!.swipe).to.deep.equal({ index: 1, count: 2 });
      expect(list.confirm(reply(2, { content: 'first' })), 'the old copy, late').to.equal(false);
      expect(list.confirm(swiped(4, 'second', 1, 2)), 'the same copy again').to.equal(false);
      expect(contents(list)).to.deep.equal(['message 1', 'second']);
    });

    it('starts the text over when a stream for the id begins at chunk 0 at a later seq', () => {
      const list = new MessageList();
      list.confirm(reply(2, { content: 'old words' }));
      list.stream({ ...chunk(2, 0, 'Hel'), message_seq: 3 });
      expect(list.entries[0]).to.include({ content: 'Hel', seq: 3, status: 'streaming', nextSeq: 1 });
      list.stream({ ...chunk(2, 1, 'lo'), message_seq: 3 });
      list.stream({ ...chunk(2, 0, 'Hel'), message_seq: 3 });
      expect(contents(list), 'a repeated first chunk changes nothing').to.deep.equal(['Hello']);
      expect(list.confirm(swiped(3, 'Hello', 1, 2))).to.equal(true);
      expect(statuses(list)).to.deep.equal(['sent']);
    });

    it('ignores a stream for a later seq that does not start at its first chunk (history brings it)', () => {
      const list = new MessageList();
      list.confirm(reply(2, { content: 'old words' }));
      list.stream({ ...chunk(2, 1, 'lo'), message_seq: 3 });
      expect(list.entries[0]).to.include({ content: 'old words', seq: 2, status: 'sent' });
    });

    it('takes the ack of a regenerate (streaming, empty) over the finished copy, and a stop ends only that version', () => {
      const list = new MessageList();
      list.stream(chunk(2, 0, 'Hi'));
      list.stopStreaming();
      list.confirm(reply(2, { content: 'Hi' }));
      expect(statuses(list)).to.deep.equal(['stopped']);
      expect(list.confirm(swiped(3, '', 1, 2, { status: 'streaming', chunks: 0 }))).to.equal(false);
      expect(list.entries[0]).to.include({ content: '', seq: 3, status: 'streaming' });
      list.stream({ ...chunk(2, 0, 'Again'), message_seq: 3 });
      list.confirm(swiped(3, 'Again', 1, 2));
      expect(statuses(list), 'the new version was not stopped').to.deep.equal(['sent']);
    });
  });

  describe('catchUpCursor', () => {
    it('passes gaps history showed (seqs a changed message left), but not holes past what history said', () => {
      const list = new MessageList();
      for (const seq of [1, 2, 4]) {
        list.heard(seq);
        list.confirm(message(seq));
      }
      list.confirm(message(6)); // live, past a seq history has not covered
      expect(list.catchUpCursor).to.equal(4);
      list.heard(6);
      expect(list.catchUpCursor).to.equal(6);
    });

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
