/**
 * Two servers on one Postgres database, as two machines would be: what one
 * process's group commit made safe must hold across processes. Concurrent
 * sends to one conversation through both take `seq` 1..N with no gap or
 * repeat (the conversation's row lock), and one clientMessageId sent to both
 * at once is stored once, both acks returning that copy.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { newMessageRow, storeMessage, type NewMessage } from '../../server/chat/messages.js';
import { storePostgresMessage } from '../../server/db/postgres-message-writes.js';
import { startHarness, type Harness } from './harness.js';
import { POSTGRES_ONLY } from './test-database.js';

describe('two servers on one Postgres database', { skip: POSTGRES_ONLY }, () => {
  let a: Harness;
  let b: Harness;
  before(async () => {
    a = await startHarness();
    b = await startHarness({ database: a.database, site: a.site });
  });
  after(async () => {
    await b?.stop();
    await a?.close();
  });

  const stored = (conversationId: string) =>
    a.app.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).orderBy('seq').execute();

  /** Replies are stored as they stream: wait until none is still being written, so every number is taken. */
  async function settled(conversationId: string) {
    for (let i = 0; i < 100; i++) {
      const rows = await stored(conversationId);
      if (rows.every((m) => m.status !== 'streaming')) return rows;
      await sleep(50);
    }
    throw new Error('replies still streaming after 5 s');
  }

  it('numbers 200 concurrent sends through both servers 1..N: no gaps, no repeats, none lost', async () => {
    const { visitorToken, conversationId } = await a.session();
    const [onA, onB] = await Promise.all([a.socket(visitorToken), b.socket(visitorToken)]);
    const sends = Array.from({ length: 200 }, (_, i) =>
      (i % 2 ? onB : onA).emitWithAck('send_message', { conversationId, content: `line ${i}`, clientMessageId: `c-${i}` }),
    );
    const acks = await Promise.all(sends);
    const acked = acks.map((ack) => (ack.ok ? ack.message : assert.fail(JSON.stringify(ack))));
    assert.equal(new Set(acked.map((m) => m.seq)).size, 200, 'every ack has its own seq');

    const rows = await settled(conversationId);
    assert.deepEqual(rows.map((m) => m.seq), Array.from({ length: rows.length }, (_, i) => i + 1), 'seq runs 1..N without a gap');
    const mine = rows.filter((m) => m.sender_type === 'user');
    assert.equal(mine.length, 200, 'each send stored once');
    assert.deepEqual(new Map(mine.map((m) => [m.client_message_id, m.seq])), new Map(acked.map((m) => [m.client_message_id, m.seq])));
  });

  it('stores one clientMessageId sent to both servers at once once, and both acks return that copy', async () => {
    const { visitorToken, conversationId } = await a.session();
    const [onA, onB] = await Promise.all([a.socket(visitorToken), b.socket(visitorToken)]);
    const pairs = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const send = { conversationId, content: `twice ${i}`, clientMessageId: `same-${i}` };
        const [first, second, third] = await Promise.all([
          onA.emitWithAck('send_message', send),
          onB.emitWithAck('send_message', send),
          b.api({ token: visitorToken }).message.send.mutate(send).then((r) => ({ ok: true as const, message: r.message })),
        ]);
        return [first, second, third].map((ack) => (ack.ok ? ack.message : assert.fail(JSON.stringify(ack))));
      }),
    );
    for (const copies of pairs) assert.equal(new Set(copies.map((m) => `${m.id}/${m.seq}`)).size, 1, 'the same copy from every path');

    const rows = await settled(conversationId);
    assert.equal(rows.filter((m) => m.sender_type === 'user').length, 40, 'one stored copy per clientMessageId');
    assert.deepEqual(rows.map((m) => m.seq), Array.from({ length: rows.length }, (_, i) => i + 1), 'a copy not stored took no number');
  });

  /** A first copy stored and held uncommitted on A (the conversation's row lock with it), then `retry` run on B meanwhile. */
  async function retryDuringUncommittedFirst(retry: (send: NewMessage) => Promise<{ created: boolean; id: string }>) {
    const { conversationId } = await a.session();
    const send = { conversationId, senderType: 'user' as const, content: 'slow first', clientMessageId: 'race' };
    let commitFirst!: () => void;
    const gate = new Promise<void>((resolve) => (commitFirst = resolve));
    let firstStored!: () => void;
    const firstIsIn = new Promise<void>((resolve) => (firstStored = resolve));
    const first = a.app.db.transaction().execute(async (tx) => {
      const result = await storeMessage(tx, send);
      firstStored();
      await gate; // holds the conversation's row lock, its copy not yet visible to others
      return result;
    });
    await firstIsIn;
    // On the other server's pool: it finds no copy yet, then waits on the row lock.
    const second = retry(send);
    await sleep(100);
    commitFirst();
    const [one, two] = await Promise.all([first, second]);
    assert.equal(one.created, true);
    assert.equal(two.created, false, 'the retry found the first copy once it could see it');
    assert.equal(two.id, one.message.id);
    const { last_seq } = await a.app.db.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirstOrThrow();
    assert.equal(last_seq, one.message.seq, 'the number the retry took was given back');
    assert.equal((await stored(conversationId)).filter((m) => m.client_message_id === 'race').length, 1);
  }

  it('a retry that arrives while the first copy is still uncommitted waits, then returns that copy and takes no number', async () => {
    await retryDuringUncommittedFirst(async (send) => {
      const { created, message } = await b.app.db.transaction().execute((tx) => storeMessage(tx, send));
      return { created, id: message.id };
    });
  });

  it('the same through the one-call store a send uses on Postgres', async () => {
    await retryDuringUncommittedFirst(async (send) => {
      const { created, row } = await storePostgresMessage(b.app.db, newMessageRow(send));
      return { created, id: row.id };
    });
  });
});
