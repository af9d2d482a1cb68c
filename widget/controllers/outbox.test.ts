/** The Outbox on its own, with fake time, an in-memory store and a send the test answers by hand. */
import { expect } from '@open-wc/testing';
import type { ErrorBody } from '../../server/protocol/errors.js';
import type { SendAck } from '../../server/protocol/events.js';
import type { Message } from '../../server/protocol/message.js';
import { installFakeTime, type FakeTime } from '../../test/browser/fake-time.js';
import { Outbox, type OutboxItem, type OutboxStore } from './outbox.js';

const item = (id: string): OutboxItem => ({ clientMessageId: id, content: `text ${id}`, createdAt: '2026-01-01T00:00:00.000Z' });

function memoryStore(items: OutboxItem[] = []): OutboxStore & { items: OutboxItem[] } {
  return {
    items,
    load() {
      return [...this.items];
    },
    save(next) {
      this.items = [...next];
    },
  };
}

/** The messages offered to the server, each waiting for the answer the test gives it. */
class FakeServer {
  readonly sent: { item: OutboxItem; answer: (ack: SendAck) => void; fail: (error: Error) => void }[] = [];
  #seq = 0;

  readonly send = (item: OutboxItem) =>
    new Promise<SendAck>((answer, fail) => {
      this.sent.push({ item, answer, fail });
    });

  get ids(): string[] {
    return this.sent.map((s) => s.item.clientMessageId);
  }

  /** Answers the latest send. */
  store(): void {
    const { item, answer } = this.sent.at(-1)!;
    const message: Message = {
      id: `m-${item.clientMessageId}`,
      conversation_id: 'c1',
      seq: ++this.#seq,
      sender_type: 'user',
      content: item.content,
      created_at: item.createdAt,
      client_message_id: item.clientMessageId,
    };
    answer({ ok: true, message });
  }

  refuse(error: ErrorBody): void {
    this.sent.at(-1)!.answer({ ok: false, error });
  }
}

const UNAVAILABLE: ErrorBody = { code: 'UNAVAILABLE', message: 'down' };
const INVALID: ErrorBody = { code: 'INVALID_INPUT', message: 'too long' };

describe('Outbox', () => {
  let time: FakeTime;
  let server: FakeServer;
  let store: ReturnType<typeof memoryStore>;
  let heard: { stored: string[]; rejected: string[]; waits: number[]; waitCodes: string[] };
  let outbox: Outbox;

  function open(items: OutboxItem[] = []): Outbox {
    store = memoryStore(items);
    outbox = new Outbox(store, server.send, {
      stored: (message) => heard.stored.push(message.client_message_id!),
      rejected: (item) => heard.rejected.push(item.clientMessageId),
      waiting: (error, ms) => {
        heard.waits.push(ms);
        heard.waitCodes.push(error.code);
      },
    });
    return outbox;
  }

  beforeEach(() => {
    time = installFakeTime();
    server = new FakeServer();
    heard = { stored: [], rejected: [], waits: [], waitCodes: [] };
  });
  afterEach(() => {
    outbox.stop();
    time.restore();
  });

  it('holds what is added before wake(), then sends in the order written, one at a time', async () => {
    open([item('a')]);
    outbox.add(item('b'));
    outbox.add(item('c'));
    await time.settle();
    expect(server.ids, 'nothing before wake').to.deep.equal([]);

    outbox.wake();
    await time.settle();
    expect(server.ids, 'only the first is in flight').to.deep.equal(['a']);
    server.store();
    await time.settle();
    expect(server.ids).to.deep.equal(['a', 'b']);
    server.store();
    await time.settle();
    server.store();
    await time.settle();
    expect(server.ids).to.deep.equal(['a', 'b', 'c']);
    expect(heard.stored).to.deep.equal(['a', 'b', 'c']);
    expect(store.items, 'the store is empty once all are stored').to.deep.equal([]);
  });

  it('keeps an item in the store until the server stored it (it survives a reload meanwhile)', async () => {
    open();
    outbox.wake();
    outbox.add(item('a'));
    await time.settle();
    expect(store.items.map((i) => i.clientMessageId)).to.deep.equal(['a']);
    server.store();
    await time.settle();
    expect(store.items).to.deep.equal([]);
  });

  it('backs off on transient errors: doubling from 500 ms up to 15 s, ±25 %, resending the same item', async () => {
    open([item('a')]);
    outbox.wake();
    for (let attempt = 0; attempt < 8; attempt++) {
      await time.settle();
      server.refuse(UNAVAILABLE);
      await time.settle();
      const wait = heard.waits[attempt]!;
      const expected = Math.min(15_000, 500 * 2 ** attempt);
      expect(wait, `wait after failure ${attempt + 1}`).to.be.within(expected * 0.75, expected * 1.25);

      await time.advance(wait - 1);
      expect(server.sent, `no resend before the wait is over (failure ${attempt + 1})`).to.have.length(attempt + 1);
      await time.advance(1);
    }
    expect(new Set(server.ids)).to.deep.equal(new Set(['a']));
    expect(heard.waitCodes.every((code) => code === 'UNAVAILABLE')).to.equal(true);
  });

  it('starts the backoff over after a success', async () => {
    open([item('a'), item('b')]);
    outbox.wake();
    for (let failure = 0; failure < 3; failure++) {
      await time.settle();
      server.refuse({ code: 'INTERNAL', message: 'oops' });
      await time.settle();
      await time.advance(heard.waits.at(-1)!);
    }
    server.store();
    await time.settle();
    server.refuse(UNAVAILABLE);
    await time.settle();
    expect(heard.waits.at(-1)).to.be.within(375, 625);
  });

  it('counts a send that throws (the network) as UNAVAILABLE, and tries again', async () => {
    open([item('a')]);
    outbox.wake();
    await time.settle();
    server.sent[0]!.fail(new Error('offline'));
    await time.settle();
    expect(heard.waitCodes).to.deep.equal(['UNAVAILABLE']);
    await time.advance(heard.waits[0]!);
    expect(server.ids).to.deep.equal(['a', 'a']);
  });

  it('waits exactly as long as RATE_LIMITED says, and wake() does not cut that short', async () => {
    open([item('a')]);
    outbox.wake();
    await time.settle();
    server.refuse({ code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 7_000 });
    await time.settle();
    expect(heard.waits).to.deep.equal([7_000]);

    await time.advance(3_000);
    outbox.wake(); // the connection came back meanwhile
    await time.settle();
    expect(server.sent).to.have.length(1);
    await time.advance(3_999);
    expect(server.sent).to.have.length(1);
    await time.advance(1);
    expect(server.ids).to.deep.equal(['a', 'a']);
  });

  it('waits 2 s when RATE_LIMITED does not say how long', async () => {
    open([item('a')]);
    outbox.wake();
    await time.settle();
    server.refuse({ code: 'RATE_LIMITED', message: 'slow down' });
    await time.settle();
    expect(heard.waits).to.deep.equal([2_000]);
  });

  it('wake() cuts a transient backoff short: the connection is back', async () => {
    open([item('a')]);
    outbox.wake();
    await time.settle();
    server.refuse(UNAVAILABLE);
    await time.settle();
    outbox.wake();
    await time.settle();
    expect(server.ids).to.deep.equal(['a', 'a']);
  });

  it('takes a clear refusal as final: the item leaves, is never resent, and the next one goes', async () => {
    open([item('a'), item('b')]);
    outbox.wake();
    await time.settle();
    server.refuse(INVALID);
    await time.settle();
    expect(heard.rejected).to.deep.equal(['a']);
    expect(heard.waits).to.deep.equal([]);
    expect(store.items.map((i) => i.clientMessageId)).to.deep.equal(['b']);
    expect(server.ids).to.deep.equal(['a', 'b']);
    server.store();
    await time.advance(60_000);
    expect(server.ids).to.deep.equal(['a', 'b']);
  });

  it('adding an item again replaces it, at the end (a retry of a failed message)', async () => {
    open([item('a'), item('b')]);
    outbox.add({ ...item('a'), content: 'edited' });
    expect(store.items.map((i) => [i.clientMessageId, i.content])).to.deep.equal([
      ['b', 'text b'],
      ['a', 'edited'],
    ]);
  });

  it('after stop(), a send in flight settles without touching the store, and nothing more goes out', async () => {
    open([item('a'), item('b')]);
    outbox.wake();
    await time.settle();
    outbox.stop();
    server.store();
    await time.advance(60_000);
    expect(heard.stored).to.deep.equal([]);
    expect(store.items).to.have.length(2);
    expect(server.ids).to.deep.equal(['a']);
  });
});
