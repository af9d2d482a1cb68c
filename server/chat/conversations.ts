import type { Db } from '../db/database.js';
import type { ConversationRow } from '../db/tables.js';
import { notFound } from '../errors.js';
import type { VisitorIdentity } from '../auth/visitor-tokens.js';
import { newId, nowIso } from '../ids.js';

/**
 * The conversation, if it belongs to this visitor on this site. Someone else's
 * id and an id that does not exist answer alike, so ids cannot be probed.
 */
export async function requireOwnConversation(
  db: Db,
  visitor: VisitorIdentity,
  conversationId: string,
): Promise<ConversationRow> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .where('visitor_id', '=', visitor.visitorId)
    .where('site_id', '=', visitor.siteId)
    .executeTakeFirst();
  if (!row) throw notFound('The conversation');
  return row;
}

/** The visitor's one conversation with this character, created on first use; safe under concurrent calls. */
export async function openConversation(
  db: Db,
  visitor: VisitorIdentity,
  characterId: string,
): Promise<ConversationRow> {
  await db
    .insertInto('conversations')
    .values({
      id: newId(),
      site_id: visitor.siteId,
      visitor_id: visitor.visitorId,
      character_id: characterId,
      created_at: nowIso(),
    })
    .onConflict((oc) => oc.columns(['visitor_id', 'character_id']).doNothing())
    .execute();
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('visitor_id', '=', visitor.visitorId)
    .where('character_id', '=', characterId)
    .executeTakeFirstOrThrow();
}
