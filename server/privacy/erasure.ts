import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/tables.js';
import type { Db } from '../db/database.js';
import { notFound } from '../errors.js';

/** What an erasure removed. */
export interface Erased {
  conversations: number;
  messages: number;
}

type Conversations = ExpressionBuilder<Database, 'conversations'>;

/** Removes one of a visitor's conversations, every message in it; someone else's answers as a missing one. */
export async function eraseConversation(db: Db, visitor: { visitorId: string; siteId: string }, conversationId: string): Promise<Erased> {
  return db.transaction().execute(async (tx) => {
    const own = (eb: Conversations) =>
      eb.and([eb('id', '=', conversationId), eb('visitor_id', '=', visitor.visitorId), eb('site_id', '=', visitor.siteId)]);
    const counts = await countConversations(tx, own);
    if (!counts.conversations) throw notFound('The conversation');
    await tx.deleteFrom('conversations').where(own).execute();
    return counts;
  });
}

/** How many conversations match, and how many messages they hold. */
export async function countConversations(db: Db, which: (eb: Conversations) => ReturnType<Conversations['and']>) {
  const ids = db.selectFrom('conversations').select('id').where(which);
  const [conversations, messages] = await Promise.all([
    db.selectFrom('conversations').select((eb) => eb.fn.countAll().as('n')).where(which).executeTakeFirstOrThrow(),
    db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).where('conversation_id', 'in', ids).executeTakeFirstOrThrow(),
  ]);
  return { conversations: Number(conversations.n), messages: Number(messages.n) };
}
