import type { Db } from '../db/database.js';
import { ConversationGone, insertMessageRow, storeMessageRow, type Executor, type NewMessageRow } from '../db/message-rows.js';
import type { MessageRow } from '../db/tables.js';
import { notFound } from '../errors.js';
import { newId, nowIso } from '../ids.js';
import type { HistoryPage, Message, SenderType } from '../protocol/message.js';

export interface NewMessage {
  conversationId: string;
  senderType: SenderType;
  content: string;
  clientMessageId?: string;
  /** A person's display name, on their message (sender `agent`). */
  senderName?: string;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    seq: row.seq,
    sender_type: row.sender_type,
    content: row.content,
    created_at: row.created_at,
    ...(row.client_message_id ? { client_message_id: row.client_message_id } : {}),
    ...(row.sender_name ? { sender_name: row.sender_name } : {}),
    ...(row.status !== 'complete' ? { status: row.status } : {}),
    ...(row.status === 'streaming' ? { chunks: row.chunks } : {}),
    ...(row.swipe_count > 1 ? { swipe: { index: row.swipe_index, count: row.swipe_count } } : {}),
  };
}

/** The row a new message is stored as: complete, numbered when stored. */
export function newMessageRow(input: NewMessage): NewMessageRow {
  return {
    id: newId(),
    conversation_id: input.conversationId,
    sender_type: input.senderType,
    content: input.content,
    client_message_id: input.clientMessageId ?? null,
    sender_name: input.senderName ?? null,
    status: 'complete',
    chunks: 0,
    created_at: nowIso(),
    updated_at: null,
  };
}

/** The conversation went away while a message was stored (its visitor erased meanwhile). */
export function conversationGone(error: unknown): never {
  throw error instanceof ConversationGone ? notFound('The conversation') : error;
}

/**
 * Stores a message; run it inside a transaction. A send retried with the same
 * clientMessageId returns the first copy (`created: false`) and writes nothing
 * (db/message-rows.ts says how, across processes too).
 */
export async function storeMessage(tx: Executor, input: NewMessage): Promise<{ message: Message; created: boolean }> {
  const { row, created } = await storeMessageRow(tx, newMessageRow(input)).catch(conversationGone);
  return { message: toMessage(row), created };
}

/** Inserts a row at the conversation's next `seq`; run it inside a transaction. */
export const insertMessage = (tx: Executor, row: NewMessageRow): Promise<MessageRow> => insertMessageRow(tx, row).catch(conversationGone);

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
