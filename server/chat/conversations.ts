import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { CharacterRow, ConversationRow } from '../db/tables.js';
import { notFound } from '../errors.js';
import type { VisitorIdentity } from '../auth/visitor-tokens.js';
import { alternateGreetingsOf } from '../characters/character-extras.js';
import { resolveMacros } from '../characters/macros.js';
import { newId, nowIso } from '../ids.js';
import { preparedQuery } from '../db/prepared-query.js';
import { storeGreeting } from './message-versions.js';

const ownConversation = preparedQuery((db, v: { conversationId: string; visitorId: string; siteId: string }) =>
  db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', v.conversationId)
    .where('visitor_id', '=', v.visitorId)
    .where('site_id', '=', v.siteId),
);

/** What opening a conversation needs of its character: the greeting and its alternates, and the name their macros use. */
export type GreetingCharacter = Pick<CharacterRow, 'id' | 'name' | 'greeting' | 'alternate_greetings'>;

/** A new conversation's number is taken again this many times when another start takes it first. */
const NUMBER_ATTEMPTS = 5;

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

/** The visitor's conversations with a character, the most recently active first (at most `limit`). */
export function conversationsWith(db: Db, visitor: VisitorIdentity, characterId: string, limit: number) {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('visitor_id', '=', visitor.visitorId)
    .where('character_id', '=', characterId)
    .orderBy('last_message_at', 'desc')
    .orderBy('number', 'desc')
    .limit(limit);
}

/**
 * The visitor's most recently active conversation with this character, or
 * their first, created on first use (opening with the character's greeting).
 * Concurrent first starts (two tabs) make one: each inserts number 1, and the
 * unique (visitor, character, number) index lets one in.
 */
export async function openConversation(db: Db, visitor: VisitorIdentity, character: GreetingCharacter): Promise<ConversationRow> {
  const latest = await conversationsWith(db, visitor, character.id, 1).executeTakeFirst();
  if (latest) return latest;
  const created = await insertConversation(db, visitor, character.id, 1);
  if (created) {
    await greet(db, visitor, character, created.id);
    return created;
  }
  return conversationsWith(db, visitor, character.id, 1).executeTakeFirstOrThrow();
}

/** A new conversation with the character, after the visitor's others (the next number), opening with the greeting. */
export async function startConversation(db: Db, visitor: VisitorIdentity, character: GreetingCharacter): Promise<ConversationRow> {
  for (let attempt = 1; ; attempt++) {
    const last = await db
      .selectFrom('conversations')
      .select((eb) => eb.fn.max('number').as('number'))
      .where('visitor_id', '=', visitor.visitorId)
      .where('character_id', '=', character.id)
      .executeTakeFirst();
    const created = await insertConversation(db, visitor, character.id, Number(last?.number ?? 0) + 1);
    if (created) {
      await greet(db, visitor, character, created.id);
      return created;
    }
    // Another start took that number a moment ago: take the next one.
    if (attempt >= NUMBER_ATTEMPTS) throw new Error('Could not number a new conversation');
  }
}

async function insertConversation(db: Db, visitor: VisitorIdentity, characterId: string, number: number): Promise<ConversationRow | undefined> {
  const now = nowIso();
  return db
    .insertInto('conversations')
    .values({
      id: newId(),
      site_id: visitor.siteId,
      visitor_id: visitor.visitorId,
      character_id: characterId,
      number,
      created_at: now,
      last_message_at: now,
    })
    .onConflict((oc) => oc.columns(['visitor_id', 'character_id', 'number']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * The greeting and its alternates, their macros resolved for this visitor
 * (`{{user}}`: a verified visitor's display name, else "you"), as the first message.
 */
async function greet(db: Db, visitor: VisitorIdentity, character: GreetingCharacter, conversationId: string): Promise<void> {
  const greetings = [character.greeting ?? '', ...alternateGreetingsOf(character)].filter((text) => text.trim());
  if (!greetings.length) return;
  const named = await db.selectFrom('visitors').select('display_name').where('id', '=', visitor.visitorId).executeTakeFirst();
  const context = { char: character.name, user: named?.display_name ?? null };
  await storeGreeting(
    db,
    conversationId,
    greetings.map((text) => resolveMacros(text.trim(), context).trim()).filter(Boolean),
  );
}

/** A listed conversation's row: its last message and how many it holds, read with it. */
export async function summariesOf(db: Db, visitor: VisitorIdentity, characterId: string, limit: number) {
  return conversationsWith(db, visitor, characterId, limit)
    .clearSelect()
    .select((eb) => [
      'id',
      'created_at',
      'last_message_at',
      eb
        .selectFrom('messages')
        .select('content')
        .whereRef('messages.conversation_id', '=', 'conversations.id')
        .orderBy('seq', 'desc')
        .limit(1)
        .as('last_content'),
      eb
        .selectFrom('messages')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('messages.conversation_id', '=', 'conversations.id')
        .as('message_count'),
    ])
    .execute();
}
