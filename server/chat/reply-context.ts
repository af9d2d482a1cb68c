import type { Db } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import type { Message } from '../protocol/message.js';
import { toMessage } from './messages.js';

/** What a reply reads about its conversation besides the history: who the visitor is, and what they said last. */

const visitorName = preparedQuery((db, v: { id: string }) =>
  db.selectFrom('visitors').select('display_name').where('id', '=', v.id).where('external_user_id', 'is not', null),
);

/** The display name a verified visitor's site gave them (`{{user}}` in the prompt); null for an anonymous visitor. */
export async function verifiedName(db: Db, visitorId: string): Promise<string | null> {
  const [row] = await visitorName(db, { id: visitorId });
  return row?.display_name ?? null;
}

/** The conversation's latest message from the visitor, whichever process stored it. */
export async function latestVisitorMessage(db: Db, conversationId: string): Promise<Message | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('sender_type', '=', 'user')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toMessage(row);
}
