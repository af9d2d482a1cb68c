import type { Db } from '../db/database.js';
import type { MessageRow } from '../db/tables.js';
import type { HistoryPage, Message, SenderType } from '../protocol/message.js';
import { newId, nowIso } from '../ids.js';

export interface NewMessage {
  conversationId: string;
  senderType: SenderType;
  content: string;
  clientMessageId?: string;
  /** A reserved id (a streamed reply announces its id before it is stored). */
  id?: string;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    sender_type: row.sender_type,
    content: row.content,
    created_at: row.created_at,
    ...(row.client_message_id ? { client_message_id: row.client_message_id } : {}),
  };
}

/**
 * Stores a message in one statement. A send retried with the same
 * clientMessageId returns the first copy (`created: false`) and writes nothing.
 */
export async function postMessage(db: Db, input: NewMessage): Promise<{ message: Message; created: boolean }> {
  const row: MessageRow = {
    id: input.id ?? newId(),
    conversation_id: input.conversationId,
    sender_type: input.senderType,
    content: input.content,
    client_message_id: input.clientMessageId ?? null,
    created_at: nowIso(),
  };
  const inserted = await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.columns(['conversation_id', 'client_message_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { message: toMessage(row), created: true };

  const existing = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', input.conversationId)
    .where('client_message_id', '=', row.client_message_id)
    .executeTakeFirstOrThrow();
  return { message: toMessage(existing), created: false };
}

/** One page of history: the `limit` messages before `before` (or the latest), oldest first. */
export async function historyPage(
  db: Db,
  conversationId: string,
  options: { before?: string; limit: number },
): Promise<HistoryPage> {
  let query = db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.before) query = query.where('id', '<', options.before);
  const rows = await query.execute();
  const hasMore = rows.length > options.limit;
  const page = rows.slice(0, options.limit).reverse();
  return { messages: page.map(toMessage), nextCursor: hasMore && page[0] ? page[0].id : null };
}

/** The last `count` messages, oldest first: the context a responder answers from. */
export async function recentMessages(db: Db, conversationId: string, count: number): Promise<Message[]> {
  return (await historyPage(db, conversationId, { limit: count })).messages;
}
