import type { Db } from '../db/database.js';
import { notFound } from '../errors.js';
import type { HistoryPage } from '../protocol/message.js';
import { historyPage } from './messages.js';
import type { ConversationFilters } from './conversation-filters.js';
import { conversationSearch } from './conversation-search.js';

/** A conversation as the site owner lists it. */
export interface ConversationSummary {
  id: string;
  visitorId: string;
  /** The host site's user id, for verified visitors. */
  userId: string | null;
  userName: string | null;
  character: string;
  createdAt: string;
  /** The person answering in the character's place (live takeover); null: the character answers. */
  agentName: string | null;
}

export interface ConversationList {
  conversations: ConversationSummary[];
  nextCursor: string | null;
}

/** The site's conversations, newest first, `limit` at a time; narrowed by the owner's filters (conversation-search.ts). */
export async function listConversations(
  db: Db,
  siteId: string,
  options: { before?: string; limit: number; userId?: string } & ConversationFilters,
): Promise<ConversationList> {
  let query = db
    .selectFrom('conversations as c')
    .innerJoin('visitors as v', 'v.id', 'c.visitor_id')
    .innerJoin('characters as ch', 'ch.id', 'c.character_id')
    .select(['c.id', 'c.visitor_id', 'v.external_user_id', 'v.display_name', 'ch.slug', 'c.created_at', 'c.agent_name'])
    .where('c.site_id', '=', siteId)
    // The owner's own chats with drafts in the studio's preview are not the site's conversations.
    .where('ch.origin', '!=', 'draft')
    .orderBy('c.id', 'desc')
    .limit(options.limit + 1);
  if (options.before) query = query.where('c.id', '<', options.before);
  if (options.userId) query = query.where('v.external_user_id', '=', options.userId);
  const search = await conversationSearch(db, siteId, options);
  if (search.where) query = query.where(search.where);
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  return {
    conversations: page.map((r) => ({
      id: r.id,
      visitorId: r.visitor_id,
      userId: r.external_user_id,
      userName: r.display_name,
      character: r.slug,
      createdAt: r.created_at,
      agentName: r.agent_name,
    })),
    nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : search.resumeAt,
  };
}

/** A page of one of the site's conversations (same paging as the visitor's history). */
export async function readTranscript(
  db: Db,
  siteId: string,
  conversationId: string,
  options: { before?: string; limit: number },
): Promise<HistoryPage & { agentName: string | null }> {
  const found = await db
    .selectFrom('conversations')
    .select(['id', 'agent_name'])
    .where('id', '=', conversationId)
    .where('site_id', '=', siteId)
    .executeTakeFirst();
  if (!found) throw notFound('The conversation');
  // Who answers it now, beside the page: a transcript kept open follows a takeover made elsewhere.
  return { ...(await historyPage(db, conversationId, options)), agentName: found.agent_name };
}

/** Erases a visitor and everything they said or were told (conversations and messages cascade). */
export async function deleteVisitorData(
  db: Db,
  siteId: string,
  who: { visitorId: string } | { userId: string },
): Promise<{ visitorId: string; deletedConversations: number }> {
  return db.transaction().execute(async (tx) => {
    const visitor = await tx
      .selectFrom('visitors')
      .select('id')
      .where('site_id', '=', siteId)
      .where('visitorId' in who ? 'id' : 'external_user_id', '=', 'visitorId' in who ? who.visitorId : who.userId)
      .executeTakeFirst();
    if (!visitor) throw notFound('The visitor');
    const conversations = await tx.selectFrom('conversations').select('id').where('visitor_id', '=', visitor.id).execute();
    // Conversations and their messages go with the visitor (ON DELETE CASCADE).
    await tx.deleteFrom('visitors').where('id', '=', visitor.id).execute();
    return { visitorId: visitor.id, deletedConversations: conversations.length };
  });
}
