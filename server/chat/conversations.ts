import type { Db } from '../db/database.js';
import type { ConversationRow } from '../db/tables.js';
import { notFound } from '../errors.js';
import type { VisitorIdentity } from '../auth/visitor-tokens.js';
import { newId, nowIso } from '../ids.js';
import { preparedQuery } from '../db/prepared-query.js';
import { postMessage } from './messages.js';

const ownConversation = preparedQuery((db, v: { conversationId: string; visitorId: string; siteId: string }) =>
  db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', v.conversationId)
    .where('visitor_id', '=', v.visitorId)
    .where('site_id', '=', v.siteId),
);

/**
 * The conversation, if it belongs to this visitor on this site. Someone else's
 * id and an id that does not exist answer alike, so ids cannot be probed.
 */
export async function requireOwnConversation(
  db: Db,
  visitor: VisitorIdentity,
  conversationId: string,
): Promise<ConversationRow> {
  const [row] = await ownConversation(db, { conversationId, visitorId: visitor.visitorId, siteId: visitor.siteId });
  if (!row) throw notFound('The conversation');
  return row;
}

/**
 * The visitor's one conversation with this character, created on first use
 * (opening with the character's greeting); safe under concurrent calls.
 */
export async function openConversation(
  db: Db,
  visitor: VisitorIdentity,
  character: { id: string; greeting: string | null },
): Promise<ConversationRow> {
  const characterId = character.id;
  const inserted = await db
    .insertInto('conversations')
    .values({
      id: newId(),
      site_id: visitor.siteId,
      visitor_id: visitor.visitorId,
      character_id: characterId,
      created_at: nowIso(),
    })
    .onConflict((oc) => oc.columns(['visitor_id', 'character_id']).doNothing())
    .executeTakeFirst();
  const conversation = await db
    .selectFrom('conversations')
    .selectAll()
    .where('visitor_id', '=', visitor.visitorId)
    .where('character_id', '=', characterId)
    .executeTakeFirstOrThrow();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0 && character.greeting?.trim()) {
    await postMessage(db, { conversationId: conversation.id, senderType: 'character', content: character.greeting.trim() });
  }
  return conversation;
}
