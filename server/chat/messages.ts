import type { Db } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import type { MessageRow } from '../db/tables.js';
import { notFound } from '../errors.js';
import { newId, nowIso } from '../ids.js';
import type { HistoryPage, Message, SenderType } from '../protocol/message.js';

export interface NewMessage {
  conversationId: string;
  senderType: SenderType;
  content: string;
  clientMessageId?: string;
}

export type Executor = Pick<Db, 'updateTable' | 'insertInto' | 'selectFrom' | 'deleteFrom' | 'executeQuery' | 'getExecutor'>;

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    seq: row.seq,
    sender_type: row.sender_type,
    content: row.content,
    created_at: row.created_at,
    ...(row.client_message_id ? { client_message_id: row.client_message_id } : {}),
    ...(row.status !== 'complete' ? { status: row.status } : {}),
    ...(row.status === 'streaming' ? { chunks: row.chunks } : {}),
  };
}

// Every message sent runs these: built once (server/db/prepared-query.ts).
const takeNextSeq = preparedQuery((db, v: { conversationId: string }) =>
  db
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', v.conversationId)
    .returning('last_seq'),
);
/** A row's columns, named one by one (a prepared query binds each as its own parameter). */
const columnsOf = (row: MessageRow) => ({
  id: row.id,
  conversation_id: row.conversation_id,
  seq: row.seq,
  sender_type: row.sender_type,
  content: row.content,
  client_message_id: row.client_message_id,
  status: row.status,
  chunks: row.chunks,
  created_at: row.created_at,
  updated_at: row.updated_at,
});
const insertRow = preparedQuery((db, row: MessageRow) => db.insertInto('messages').values(columnsOf(row)));
/** A visitor's message: a copy already stored under its clientMessageId (another process's, a moment ago) wins. */
const insertUnlessRetried = preparedQuery((db, row: MessageRow) =>
  db
    .insertInto('messages')
    .values(columnsOf(row))
    .onConflict((oc) => oc.columns(['conversation_id', 'client_message_id']).doNothing())
    .returning('seq'),
);
/** Hands back a number taken for a message that turned out to be stored already; the row lock is still ours. */
const giveBackSeq = preparedQuery((db, v: { conversationId: string }) =>
  db
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '-', 1) }))
    .where('id', '=', v.conversationId),
);
const findRetry = preparedQuery((db, v: { conversationId: string; clientMessageId: string }) =>
  db.selectFrom('messages').selectAll().where('conversation_id', '=', v.conversationId).where('client_message_id', '=', v.clientMessageId),
);

/**
 * Takes the conversation's next number; run inside a transaction. The UPDATE
 * orders the writers: SQLite's write lock in one process, the conversation's
 * row lock (held to commit) across processes on Postgres, where a second
 * writer waits, then reads the number the first committed. A rollback gives
 * the number back, so `seq` has neither gaps nor repeats.
 */
async function nextSeq(tx: Executor, conversationId: string): Promise<number> {
  const [row] = await takeNextSeq(tx, { conversationId });
  // Gone since its owner was checked (a visitor erased meanwhile).
  if (!row) throw notFound('The conversation');
  return row.last_seq;
}

/** Inserts a row at the conversation's next `seq`; run it inside a transaction. */
export async function insertMessage(tx: Executor, row: Omit<MessageRow, 'seq'>): Promise<MessageRow> {
  const stored = { ...row, seq: await nextSeq(tx, row.conversation_id) };
  await insertRow(tx, stored);
  return stored;
}

/**
 * Stores a message; run it inside a transaction. A send retried with the same
 * clientMessageId returns the first copy (`created: false`) and writes nothing,
 * also when another process stored that copy a moment ago: the unique index on
 * (conversation_id, client_message_id) turns our insert into nothing.
 */
export async function storeMessage(tx: Executor, input: NewMessage): Promise<{ message: Message; created: boolean }> {
  if (input.clientMessageId) {
    const [existing] = await findRetry(tx, { conversationId: input.conversationId, clientMessageId: input.clientMessageId });
    if (existing) return { message: toMessage(existing), created: false };
  }
  const row: MessageRow = {
    id: newId(),
    conversation_id: input.conversationId,
    seq: await nextSeq(tx, input.conversationId),
    sender_type: input.senderType,
    content: input.content,
    client_message_id: input.clientMessageId ?? null,
    status: 'complete',
    chunks: 0,
    created_at: nowIso(),
    updated_at: null,
  };
  const [inserted] = await insertUnlessRetried(tx, row);
  if (inserted) return { message: toMessage(row), created: true };
  // Another process stored this clientMessageId after our look: it committed before we got the row lock,
  // so its copy is visible now. Ours is not written and its number goes back.
  await giveBackSeq(tx, { conversationId: input.conversationId });
  const [first] = await findRetry(tx, { conversationId: input.conversationId, clientMessageId: input.clientMessageId! });
  if (!first) throw new Error('A message conflicted with a copy that cannot be read');
  return { message: toMessage(first), created: false };
}

/** Stores a message in a transaction of its own (see storeMessage). */
export function postMessage(db: Db, input: NewMessage): Promise<{ message: Message; created: boolean }> {
  return db.transaction().execute((tx) => storeMessage(tx, input));
}

/** One page of history, oldest first: the latest `limit`, those before a cursor, or those after one. */
export async function historyPage(
  db: Db,
  conversationId: string,
  options: { before?: string; after?: string; limit: number },
): Promise<HistoryPage> {
  const forward = options.after !== undefined;
  let query = db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('seq', forward ? 'asc' : 'desc')
    .limit(options.limit + 1);
  if (options.before !== undefined) query = query.where('seq', '<', Number(options.before));
  if (forward) query = query.where('seq', '>', Number(options.after));
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  if (!forward) page.reverse();
  const edge = forward ? page.at(-1) : page[0];
  return { messages: page.map(toMessage), nextCursor: rows.length > options.limit && edge ? String(edge.seq) : null };
}
