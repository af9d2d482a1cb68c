/**
 * How a message row is stored at its conversation's next `seq`, inside a
 * transaction (SQLite's group commit, or any transaction on either database).
 * Postgres's writer stores a visitor's message in one call instead (postgres-message-writes.ts), with the same rules.
 */
import type { Db } from './database.js';
import { preparedQuery } from './prepared-query.js';
import type { MessageRow } from './tables.js';

export type Executor = Pick<Db, 'updateTable' | 'insertInto' | 'selectFrom' | 'deleteFrom' | 'executeQuery' | 'getExecutor'>;

/**
 * A row before it has its number; a new message has one version (the columns' defaults).
 * `sender_name` only on a person's message (live takeover): absent means null.
 */
export type NewMessageRow = Omit<MessageRow, 'seq' | 'swipe_index' | 'swipe_count' | 'sender_name'> & { sender_name?: string | null };

/** A new row as stored: its number taken, one version. */
export const asStored = (row: NewMessageRow, seq: number): MessageRow => ({ ...row, sender_name: row.sender_name ?? null, seq, swipe_index: 0, swipe_count: 1 });

/** A stored message: ours (`created`), or the copy already stored under its clientMessageId. */
export interface StoredRow {
  row: MessageRow;
  created: boolean;
}

/** The conversation is gone (a visitor erased since its owner was checked). */
export class ConversationGone extends Error {}

type Builder = Pick<Db, 'selectFrom' | 'insertInto' | 'updateTable'>;

/** A new row's columns, named one by one (a prepared query binds each as its own parameter); the version columns keep their defaults. */
const columnsOf = (row: NewMessageRow & { seq: number }) => ({
  id: row.id,
  conversation_id: row.conversation_id,
  seq: row.seq,
  sender_type: row.sender_type,
  content: row.content,
  client_message_id: row.client_message_id,
  sender_name: row.sender_name ?? null,
  status: row.status,
  chunks: row.chunks,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

/**
 * What storing a visitor's message runs, as builders: prepared once below, and
 * compiled to the same SQL for the SQLite writer thread (sqlite-writer-setup.ts).
 */
export const storeMessageQueries = {
  findRetry: (db: Builder, v: { conversationId: string; clientMessageId: string }) =>
    db.selectFrom('messages').selectAll().where('conversation_id', '=', v.conversationId).where('client_message_id', '=', v.clientMessageId),
  /** Also stamps the conversation's activity (`at`), in the same statement: nothing more per message. */
  takeNextSeq: (db: Builder, v: { conversationId: string; at: string }) =>
    db
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1), last_message_at: v.at }))
      .where('id', '=', v.conversationId)
      .returning('last_seq'),
  /** A visitor's message: a copy already stored under its clientMessageId (another process's, a moment ago) wins. */
  insertUnlessRetried: (db: Builder, row: NewMessageRow & { seq: number }) =>
    db
      .insertInto('messages')
      .values(columnsOf(row))
      .onConflict((oc) => oc.columns(['conversation_id', 'client_message_id']).doNothing())
      .returning('seq'),
  /** Hands back a number taken for a message that turned out to be stored already; the row lock is still ours. */
  giveBackSeq: (db: Builder, v: { conversationId: string }) =>
    db
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '-', 1) }))
      .where('id', '=', v.conversationId),
};

// Every message sent runs these: built once (prepared-query.ts).
const takeNextSeq = preparedQuery(storeMessageQueries.takeNextSeq);
const insertRow = preparedQuery((db, row: NewMessageRow & { seq: number }) => db.insertInto('messages').values(columnsOf(row)));
const insertUnlessRetried = preparedQuery(storeMessageQueries.insertUnlessRetried);
const giveBackSeq = preparedQuery(storeMessageQueries.giveBackSeq);
const findRetry = preparedQuery(storeMessageQueries.findRetry);

/**
 * Takes the conversation's next number; run inside a transaction. The UPDATE
 * orders the writers: SQLite's write lock in one process, the conversation's
 * row lock (held to commit) across processes on Postgres, where a second
 * writer waits, then reads the number the first committed. A rollback gives
 * the number back, so storing leaves neither gaps nor repeats; a message that
 * changes moves to a new number and leaves its old one unused (chat/message-versions.ts).
 * The same statement stamps the conversation's latest activity (`at`).
 */
export async function nextSeq(tx: Executor, conversationId: string, at: string): Promise<number> {
  const [row] = await takeNextSeq(tx, { conversationId, at });
  if (!row) throw new ConversationGone();
  return row.last_seq;
}

/** Gives back the number nextSeq took, in the same transaction, when nothing was stored with it after all. */
export async function giveBackNextSeq(tx: Executor, conversationId: string): Promise<void> {
  await giveBackSeq(tx, { conversationId });
}

/** Inserts a row at the conversation's next `seq`; run it inside a transaction. */
export async function insertMessageRow(tx: Executor, row: NewMessageRow): Promise<MessageRow> {
  const stored = asStored(row, await nextSeq(tx, row.conversation_id, row.created_at));
  await insertRow(tx, stored);
  return stored;
}

/**
 * Stores a row unless its clientMessageId is stored already; run it inside a
 * transaction. A retry returns the first copy (`created: false`) and writes
 * nothing, also when another process stored that copy a moment ago: the
 * unique index on (conversation_id, client_message_id) turns our insert into nothing.
 */
export async function storeMessageRow(tx: Executor, row: NewMessageRow): Promise<StoredRow> {
  const conversationId = row.conversation_id;
  const clientMessageId = row.client_message_id;
  if (clientMessageId) {
    const [existing] = await findRetry(tx, { conversationId, clientMessageId });
    if (existing) return { row: existing, created: false };
  }
  const stored = asStored(row, await nextSeq(tx, conversationId, row.created_at));
  const [inserted] = await insertUnlessRetried(tx, stored);
  if (inserted) return { row: stored, created: true };
  // Another process stored this clientMessageId after our look: it committed before we got the row lock,
  // so its copy is visible now. Ours is not written and its number goes back.
  await giveBackSeq(tx, { conversationId });
  const [first] = await findRetry(tx, { conversationId, clientMessageId: clientMessageId! });
  if (!first) throw new Error('A message conflicted with a copy that cannot be read');
  return { row: first, created: false };
}
