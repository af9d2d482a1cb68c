/**
 * Visitors' messages stored by a writer thread (TIPSY_SQLITE_WRITER=worker,
 * db/worker-writes.ts): through real sockets, every ack is stored once at a
 * gapless `seq`; a retry returns the first copy; a gone conversation is
 * refused alone; shutdown stores what was accepted; and a thread that dies
 * loses no ack, is replaced, and after three deaths the main thread takes over.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { upsertCharacter } from '../../server/characters/store.js';
import type { ChatDeps } from '../../server/chat/service.js';
import { newMessageRow } from '../../server/chat/messages.js';
import { openSqlite, type Db } from '../../server/db/database.js';
import { ConversationGone, storeMessageRow } from '../../server/db/message-rows.js';
import { writerSetup } from '../../server/db/sqlite-writer-setup.js';
import type { Database } from '../../server/db/tables.js';
import { WorkerWrites } from '../../server/db/worker-writes.js';
import type { SendAck } from '../../server/protocol/events.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { startHarness, type Harness } from './harness.js';
import { SQLITE_ONLY } from './test-database.js';

/** A server whose messages go through a writer thread, with a character that never replies (so `seq` counts sends alone). */
async function startWorkerHarness(logLines?: string[]): Promise<Harness> {
  const h = await startHarness({
    config: { sqliteWriter: 'worker', ...(logLines && { logLevel: 'error' }) },
    build: logLines && { logStream: { write: (line) => void logLines.push(line) } },
  });
  await upsertCharacter(h.app.db, h.siteId, { slug: 'quiet', name: 'Quiet', responder: { kind: 'none' } });
  return h;
}

/** The server's Writes, as the chat service holds it. */
function writesOf(h: Harness): WorkerWrites {
  const { writes } = (h.app.services.chat as unknown as { deps: ChatDeps }).deps;
  assert.ok(writes instanceof WorkerWrites, 'sqliteWriter: worker stores through WorkerWrites');
  return writes;
}

/** A quiet conversation and a socket joined to it. */
async function joinedConversation(h: Harness): Promise<{ socket: ChatSocket; conversationId: string; visitorToken: string }> {
  const { visitorToken, conversationId } = await h.session('quiet');
  const socket = await h.socket(visitorToken);
  await socket.emitWithAck('join_conversation', conversationId);
  return { socket, conversationId, visitorToken };
}

const send = (socket: ChatSocket, conversationId: string, clientMessageId: string): Promise<SendAck> =>
  socket.emitWithAck('send_message', { conversationId, content: clientMessageId, clientMessageId });

/** The messages stored in a conversation, in `seq` order. */
const storedIn = (db: Db, conversationId: string) =>
  db.selectFrom('messages').select(['id', 'seq', 'client_message_id']).where('conversation_id', '=', conversationId).orderBy('seq').execute();

/** Every ok ack is stored exactly once, and the conversation's numbers run 1, 2, 3… with no gap. */
async function assertAckedStoredOnce(db: Db, conversationId: string, acks: SendAck[]): Promise<void> {
  const rows = await storedIn(db, conversationId);
  assert.deepEqual(rows.map((r) => r.seq), rows.map((_, i) => i + 1), 'gapless seq');
  assert.equal(new Set(rows.map((r) => r.client_message_id)).size, rows.length, 'each clientMessageId once');
  const stored = new Map(rows.map((r) => [r.id, r.seq]));
  for (const ack of acks) if (ack.ok) assert.equal(stored.get(ack.message.id), ack.message.seq, 'an ok ack is stored, at its seq');
}

/** Holds SQLite's write lock from another connection, so the writer thread's next batch waits (busy_timeout) until `release`. */
function holdWriteLock(file: string): { release(): void } {
  const lock = new SQLite(file);
  lock.exec('BEGIN IMMEDIATE');
  return {
    release() {
      lock.exec('ROLLBACK');
      lock.close();
    },
  };
}

describe('SQLite writer thread', { skip: SQLITE_ONLY }, () => {
  let h: Harness;
  before(async () => (h = await startWorkerHarness()));
  after(() => h.close());

  it('runs the SQL that storeMessageRow runs', async () => {
    const ran = new Set<string>();
    const sqlite = new SQLite(h.dbFile);
    const logged = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log: (event) => void ran.add(event.query.sql) });
    const { conversationId } = await h.session('quiet');
    const row = newMessageRow({ conversationId, senderType: 'user', content: 'hi', clientMessageId: 'sql-check' });
    await storeMessageRow(logged, row);
    await storeMessageRow(logged, { ...row, id: 'another' }); // the retry: found, not stored again
    await logged.destroy();
    const { statements } = writerSetup(h.app.db, h.dbFile);
    const writerSql = new Set(Object.values(statements).map((s) => s.sql));
    assert.deepEqual([...ran].filter((sql) => !writerSql.has(sql)), [], 'every statement storeMessageRow ran is the writer’s');
    for (const role of ['findRetry', 'takeNextSeq', 'insertUnlessRetried'] as const) assert.ok(ran.has(statements[role].sql), role);
  });

  it('concurrent sends through sockets: every ack stored once, at a gapless seq per conversation', async () => {
    const conversations = await Promise.all(Array.from({ length: 8 }, () => joinedConversation(h)));
    // A second socket in each conversation sends at the same time: both take numbers from one counter.
    const seconds = await Promise.all(conversations.map(async (c) => ({ ...c, socket: await h.socket(c.visitorToken) })));
    const senders = [...conversations, ...seconds];
    const acks = await Promise.all(senders.map((s, i) => Promise.all(Array.from({ length: 40 }, (_, n) => send(s.socket, s.conversationId, `s${i}-m${n}`)))));
    assert.ok(acks.flat().every((ack) => ack.ok), 'every send acked ok');
    for (const { conversationId } of conversations) {
      const own = acks.filter((_, i) => senders[i]!.conversationId === conversationId).flat();
      await assertAckedStoredOnce(h.app.db, conversationId, own);
      assert.equal((await storedIn(h.app.db, conversationId)).length, 80);
    }
  });

  it('a retried clientMessageId returns the first copy, in the same batch and later', async () => {
    const { socket, conversationId, visitorToken } = await joinedConversation(h);
    const [a, b] = await Promise.all([send(socket, conversationId, 'again'), send(socket, conversationId, 'again')]);
    const viaHttp = await h.api({ token: visitorToken }).message.send.mutate({ conversationId, content: 'again', clientMessageId: 'again' });
    assert.ok(a.ok && b.ok);
    assert.equal(b.message.id, a.message.id);
    assert.equal(viaHttp.message.id, a.message.id);
    assert.equal((await storedIn(h.app.db, conversationId)).length, 1);
  });

  it('a row whose conversation is gone is refused alone; the rest of its batch is stored', async () => {
    const live = await h.session('quiet');
    const gone = await h.session('quiet');
    await h.app.db.deleteFrom('conversations').where('id', '=', gone.conversationId).execute();
    const rows = Array.from({ length: 6 }, (_, i) =>
      newMessageRow({ conversationId: i === 3 ? gone.conversationId : live.conversationId, senderType: 'user', content: `row ${i}`, clientMessageId: `gone-${i}` }),
    );
    // Asked in one turn: one batch, one transaction.
    const outcomes = await Promise.allSettled(rows.map((row) => writesOf(h).storeMessage(row)));
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.ok((outcomes[3] as PromiseRejectedResult).reason instanceof ConversationGone);
    assert.deepEqual((await storedIn(h.app.db, live.conversationId)).map((r) => [r.seq, r.client_message_id]), [[1, 'gone-0'], [2, 'gone-1'], [3, 'gone-2'], [4, 'gone-4'], [5, 'gone-5']]);

    // Through a socket that joined before the conversation went: refused as not found.
    const joined = await joinedConversation(h);
    await h.app.db.deleteFrom('conversations').where('id', '=', joined.conversationId).execute();
    const ack = await send(joined.socket, joined.conversationId, 'too late');
    assert.equal(ack.ok, false);
    assert.equal(!ack.ok && ack.error.code, 'NOT_FOUND');
  });
});

describe('SQLite writer thread at shutdown', { skip: SQLITE_ONLY }, () => {
  it('drain stores every write accepted; closing the server ends the thread after its sends are stored', async () => {
    const h = await startWorkerHarness();
    try {
      const writes = writesOf(h);
      const { conversationId, socket } = await joinedConversation(h);
      let settled = 0;
      const direct = Array.from({ length: 300 }, (_, i) =>
        writes.storeMessage(newMessageRow({ conversationId, senderType: 'user', content: `d${i}`, clientMessageId: `d${i}` })).finally(() => settled++),
      );
      await writes.drain();
      assert.equal(settled, 300, 'drain resolves after every accepted write is settled');
      assert.equal((await Promise.all(direct)).filter((s) => s.created).length, 300);

      // Sends through the socket, then the server closes while they are in flight: those it accepted are stored and acked.
      const acks: SendAck[] = [];
      const sends = Array.from({ length: 300 }, (_, i) => send(socket, conversationId, `s${i}`).then((ack) => void acks.push(ack)));
      await Promise.race(sends);
      const thread = writes.worker!;
      const exited = new Promise((resolve) => thread.once('exit', resolve));
      await h.app.close();
      await exited;
      assert.equal(writes.worker, undefined);
      assert.ok(acks.filter((ack) => ack.ok).length > 1, 'sends were in flight when the server closed');
      const db = openSqlite(h.dbFile);
      await assertAckedStoredOnce(db, conversationId, acks);
      await db.destroy();
      socket.disconnect();
    } finally {
      await h.database.drop();
    }
  });
});

describe('SQLite writer thread that dies', { skip: SQLITE_ONLY }, () => {
  const logLines: string[] = [];
  let h: Harness;
  before(async () => (h = await startWorkerHarness(logLines)));
  after(() => h.close());

  it('refuses the sends it had not reported (none acked unstored); a new thread stores the next ones', async () => {
    const writes = writesOf(h);
    const { socket, conversationId } = await joinedConversation(h);
    assert.ok((await send(socket, conversationId, 'before')).ok);

    // The thread's next batch waits for the write lock, so it is surely in flight when the thread ends.
    const lock = holdWriteLock(h.dbFile);
    const stuck = Array.from({ length: 5 }, (_, i) => send(socket, conversationId, `stuck-${i}`));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const first = writes.worker!;
    const ended = first.terminate();
    lock.release();
    await ended;
    const refused = await Promise.all(stuck);
    assert.deepEqual(refused.map((ack) => !ack.ok && ack.error.code), Array(5).fill('UNAVAILABLE'));
    assert.ok(logLines.some((line) => line.includes('the SQLite writer thread stopped')));
    assert.ok(writes.worker && writes.worker !== first, 'a new thread took over');

    // Under load, another death: what was acked is stored; later sends succeed.
    const acks: Promise<SendAck>[] = Array.from({ length: 400 }, (_, i) => send(socket, conversationId, `load-${i}`));
    await Promise.race(acks);
    await writes.worker!.terminate();
    const settled = await Promise.all(acks);
    const refusedUnderLoad = settled.filter((ack) => !ack.ok).length;
    console.log(`writer thread ended under load: ${settled.length - refusedUnderLoad} of ${settled.length} sends acked, ${refusedUnderLoad} refused`);
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => send(socket, conversationId, `after-${i}`)));
    assert.ok(after.every((ack) => ack.ok), 'sends after the death succeed');
    await assertAckedStoredOnce(h.app.db, conversationId, [...settled, ...after]);
    assert.ok(!writes.fellBack);
  });

  it('after a third death within a minute, the main thread stores messages itself', async () => {
    const writes = writesOf(h);
    await writes.worker!.terminate();
    assert.equal(writes.worker, undefined);
    assert.ok(writes.fellBack);
    assert.ok(logLines.some((line) => line.includes('messages are stored on the main thread from now on')));
    const { socket, conversationId } = await joinedConversation(h);
    const acks = await Promise.all(Array.from({ length: 30 }, (_, i) => send(socket, conversationId, `main-${i}`)));
    assert.ok(acks.every((ack) => ack.ok));
    await assertAckedStoredOnce(h.app.db, conversationId, acks);
    assert.equal((await storedIn(h.app.db, conversationId)).length, 30);
  });
});
