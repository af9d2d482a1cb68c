/** HistorySync on its own: fake time, and pages of history the test serves in place of the session. */
import { expect } from '@open-wc/testing';
import type { ErrorBody } from '../../server/protocol/errors.js';
import type { HistoryPage, Message } from '../../server/protocol/message.js';
import { installFakeTime, type FakeTime } from '../../test/browser/fake-time.js';
import { HistorySync, type HistorySource } from './history-sync.js';

function message(seq: number): Message {
  return { id: `m${seq}`, conversation_id: 'c1', seq, sender_type: 'user', content: `${seq}`, created_at: '2026-01-01T00:00:00.000Z' };
}

/** A conversation of `count` messages, served `pageSize` at a time after a cursor, as the server does. */
class FakeHistory implements HistorySource {
  readonly asked: (string | undefined)[] = [];
  count: number;
  failWith?: Error;
  /** When set, every page waits for the test to let it go. */
  gate?: Promise<void>;

  constructor(count: number, readonly pageSize = 2) {
    this.count = count;
  }

  async history({ after }: { before?: string; after?: string } = {}): Promise<HistoryPage> {
    this.asked.push(after);
    await this.gate;
    if (this.failWith) throw this.failWith;
    const from = Number(after ?? 0);
    const to = Math.min(this.count, from + this.pageSize);
    const messages = Array.from({ length: to - from }, (_, i) => message(from + i + 1));
    return { messages, nextCursor: to < this.count ? String(to) : null };
  }
}

describe('HistorySync', () => {
  let time: FakeTime;
  let stored: number[];
  let failures: ErrorBody[];
  let cursor: number;
  let sync: HistorySync | undefined;

  const start = (history: FakeHistory) =>
    (sync = new HistorySync(
      history,
      () => cursor,
      (m) => stored.push(m.seq),
      (e) => failures.push(e),
    ));

  beforeEach(() => {
    time = installFakeTime();
    stored = [];
    failures = [];
    cursor = 0;
  });
  afterEach(() => {
    sync?.stopPolling();
    time.restore();
  });

  it('fetches everything after the cursor, page by page, in order', async () => {
    const history = new FakeHistory(7);
    cursor = 2;
    await start(history).catchUp();
    expect(history.asked).to.deep.equal(['2', '4', '6']);
    expect(stored).to.deep.equal([3, 4, 5, 6, 7]);
  });

  it('shares one run between calls made while it runs', async () => {
    const history = new FakeHistory(3);
    let release!: () => void;
    history.gate = new Promise((resolve) => (release = resolve));
    const sync = start(history);
    const first = sync.catchUp();
    const second = sync.catchUp();
    expect(second, 'the same run').to.equal(first);
    release();
    await first;
    expect(history.asked).to.deep.equal(['0', '2']);
    expect(stored).to.deep.equal([1, 2, 3]);
  });

  it('reads the cursor again for each run, so a later run asks only for what is new', async () => {
    const history = new FakeHistory(2);
    const sync = start(history);
    await sync.catchUp();
    cursor = 2;
    history.count = 3;
    await sync.catchUp();
    expect(history.asked).to.deep.equal(['0', '2']);
    expect(stored).to.deep.equal([1, 2, 3]);
  });

  it('reports a failure as an error body and lets the next run try again', async () => {
    const history = new FakeHistory(1);
    history.failWith = new Error('offline');
    const sync = start(history);
    await sync.catchUp();
    expect(failures.map((f) => f.code)).to.deep.equal(['UNAVAILABLE']);
    history.failWith = undefined;
    await sync.catchUp();
    expect(stored).to.deep.equal([1]);
  });

  it('polls at once and then every 3 s until stopped', async () => {
    const history = new FakeHistory(0);
    const sync = start(history);
    sync.startPolling();
    sync.startPolling(); // a second start does not add a second poller
    expect(sync.polling).to.equal(true);
    await time.settle();
    expect(history.asked).to.have.length(1);
    await time.advance(2_999);
    expect(history.asked).to.have.length(1);
    await time.advance(1);
    expect(history.asked).to.have.length(2);
    await time.advance(6_000);
    expect(history.asked).to.have.length(4);

    sync.stopPolling();
    expect(sync.polling).to.equal(false);
    await time.advance(30_000);
    expect(history.asked).to.have.length(4);
  });
});
