import type { Db } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import type { CharacterRow } from '../db/tables.js';
import { newId, nowIso } from '../ids.js';
import { notFound, TipsyError } from '../errors.js';
import type { CharacterView } from '../protocol/character.js';
import { avatarOfCharacter, dropAvatar } from './avatars.js';
import type { CharacterBook } from './character-book.js';
import { alternateGreetingsOf, characterBookOf, nicknameOf } from './character-extras.js';
import { readKeptCard } from './cards/kept-card.js';
import type { CharacterInput } from './inputs.js';
import {
  mergeResponderSettings,
  parseResponderSettings,
  redactResponderSettings,
  type ResponderSettings,
} from './responders/settings.js';

/** What defines a character (validated by CharacterInput wherever it comes from). */
export type CharacterDefinition = CharacterInput;

/** A character as the site owner sees it (persona included; an API key only as a hint). */
export interface CharacterRecord {
  slug: string;
  name: string;
  avatarUrl: string | null;
  greeting: string | null;
  persona: string;
  examples: string;
  accent: string | null;
  responder: ResponderSettings | null;
  /** 'draft': the studio's preview of a character being edited (drafts.ts), never listed nor exported. */
  origin: 'site' | 'page' | 'draft';
  /** Greetings a conversation may open with instead of `greeting`. */
  alternateGreetings: string[];
  /** Its lorebook; null: none. */
  characterBook: CharacterBook | null;
  /** The name `{{char}}` stands for in its card (V3 `nickname`); null: its name. */
  nickname: string | null;
  createdAt: string;
}

/** The named character of a site (a draft too: the studio's preview talks to it), or its first one, never a draft, when no slug is given. */
export async function findCharacter(db: Db, siteId: string, slug: string | undefined): Promise<CharacterRow> {
  let query = db.selectFrom('characters').selectAll().where('site_id', '=', siteId);
  query = slug ? query.where('slug', '=', slug) : query.where('origin', '!=', 'draft').orderBy('created_at').orderBy('id');
  const row = await query.executeTakeFirst();
  if (!row) throw notFound(slug ? `The character "${slug}"` : 'A character for this site');
  return row;
}

/** A character the site owner manages (a draft is none): NOT_FOUND otherwise. */
export async function findOwnedCharacter(db: Db, siteId: string, slug: string): Promise<CharacterRow> {
  const row = await db.selectFrom('characters').selectAll().where('site_id', '=', siteId).where('slug', '=', slug).where('origin', '!=', 'draft').executeTakeFirst();
  if (!row) throw notFound(`The character "${slug}"`);
  return row;
}

const characterById = preparedQuery((db, v: { id: string }) => db.selectFrom('characters').selectAll().where('id', '=', v.id));

export async function getCharacterById(db: Db, id: string): Promise<CharacterRow> {
  const [row] = await characterById(db, { id });
  if (!row) throw notFound('The character');
  return row;
}

/** The stored columns a definition sets (a draft's too: drafts.ts). */
export const columnsOf = (def: Omit<CharacterDefinition, 'slug'>) => ({
  name: def.name,
  avatar_url: def.avatarUrl ?? null,
  greeting: def.greeting ?? null,
  persona: def.persona ?? '',
  examples: def.examples ?? '',
  accent: def.accent ?? null,
  responder: def.responder ? JSON.stringify(def.responder) : null,
  alternate_greetings: JSON.stringify(def.alternateGreetings ?? []),
  character_book: def.characterBook ? JSON.stringify(def.characterBook) : null,
});

/** What an import stores beside the definition: the card as it came, and its lorebook's own JSON. */
export interface ImportedColumns {
  card: string;
  characterBookJson: string | null;
}

const newRow = (siteId: string, def: CharacterDefinition, imported?: ImportedColumns) => ({
  id: newId(),
  site_id: siteId,
  slug: def.slug,
  created_at: nowIso(),
  ...columnsOf(def),
  ...(imported && { card: imported.card, character_book: imported.characterBookJson }),
});

/** Creates the character, or updates the one with the same slug. */
export async function upsertCharacter(db: Db, siteId: string, def: CharacterDefinition): Promise<void> {
  await db
    .insertInto('characters')
    .values(newRow(siteId, def))
    .onConflict((oc) => oc.columns(['site_id', 'slug']).doUpdateSet({ ...columnsOf(def), origin: 'site' }))
    .execute();
}

export async function listCharacters(db: Db, siteId: string): Promise<CharacterRecord[]> {
  const rows = await db.selectFrom('characters').selectAll().where('site_id', '=', siteId).where('origin', '!=', 'draft').orderBy('created_at').orderBy('id').execute();
  return rows.map(toCharacterRecord);
}

/** Creates a character; a slug the site already uses is refused. */
export async function createCharacter(db: Db, siteId: string, def: CharacterDefinition): Promise<CharacterRecord> {
  return toCharacterRecord(await createCharacterRow(db, siteId, def));
}

/** Creates a character (from a card: with the card kept) and gives its row. */
export async function createCharacterRow(db: Db, siteId: string, def: CharacterDefinition, imported?: ImportedColumns): Promise<CharacterRow> {
  const inserted = await db
    .insertInto('characters')
    .values(newRow(siteId, def, imported))
    .onConflict((oc) => oc.columns(['site_id', 'slug']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
    throw new TipsyError('INVALID_INPUT', `This site already has a character "${def.slug}".`);
  }
  return findCharacter(db, siteId, def.slug);
}

/** The fields an update may change; `null` clears an optional one. */
export interface CharacterChanges {
  name?: string;
  avatarUrl?: string | null;
  greeting?: string | null;
  persona?: string;
  examples?: string;
  accent?: string | null;
  responder?: ResponderSettings | null;
  alternateGreetings?: string[];
  characterBook?: CharacterBook | null;
  /** Kept in the card (V3 `nickname`); null removes it. */
  nickname?: string | null;
}

/** Changes the given fields of a character; `null` clears an optional one. */
export async function updateCharacter(db: Db, siteId: string, slug: string, changes: CharacterChanges): Promise<CharacterRecord> {
  const set = {
    ...(changes.name !== undefined && { name: changes.name }),
    ...(changes.avatarUrl !== undefined && { avatar_url: changes.avatarUrl }),
    ...(changes.greeting !== undefined && { greeting: changes.greeting }),
    ...(changes.persona !== undefined && { persona: changes.persona }),
    ...(changes.examples !== undefined && { examples: changes.examples }),
    ...(changes.accent !== undefined && { accent: changes.accent }),
    ...(changes.alternateGreetings !== undefined && { alternate_greetings: JSON.stringify(changes.alternateGreetings) }),
    ...(changes.characterBook !== undefined && { character_book: changes.characterBook && JSON.stringify(changes.characterBook) }),
  };
  // Drafts are the preview's own: an update never reaches one.
  const current = await findOwnedCharacter(db, siteId, slug);
  if (changes.responder !== undefined) {
    Object.assign(set, { responder: mergeResponderSettings(changes.responder, current.responder) });
  }
  if (changes.nickname !== undefined) Object.assign(set, { card: withNickname(current.card, changes.nickname) });
  if (Object.keys(set).length) {
    await db.updateTable('characters').set(set).where('id', '=', current.id).execute();
  }
  // An avatar taken from a card is served only while it is the character's avatar.
  if (changes.avatarUrl !== undefined && changes.avatarUrl !== current.avatar_url && (await avatarOfCharacter(db, current))) {
    await dropAvatar(db, current.id);
  }
  return toCharacterRecord(await getCharacterById(db, current.id));
}

/** The kept card with its nickname set or removed (a character made here gets a card of its own to hold it). */
function withNickname(cardJson: string | null, nickname: string | null): string {
  const kept = readKeptCard(cardJson) ?? { top: {}, data: {}, bookAt: null, imported: {} };
  const data = { ...kept.data };
  if (nickname) data.nickname = nickname;
  else delete data.nickname;
  return JSON.stringify({ ...kept, data });
}

/** Deletes a character and, with it, every conversation with it. */
export async function deleteCharacter(db: Db, siteId: string, slug: string): Promise<void> {
  const result = await db.deleteFrom('characters').where('site_id', '=', siteId).where('slug', '=', slug).where('origin', '!=', 'draft').executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound(`The character "${slug}"`);
}

export function toCharacterRecord(row: CharacterRow): CharacterRecord {
  return {
    slug: row.slug,
    name: row.name,
    avatarUrl: row.avatar_url,
    greeting: row.greeting,
    persona: row.persona,
    examples: row.examples,
    accent: row.accent,
    responder: redactResponderSettings(parseResponderSettings(row.responder)) ?? null,
    origin: row.origin,
    alternateGreetings: alternateGreetingsOf(row),
    characterBook: characterBookOf(row),
    nickname: nicknameOf(row),
    createdAt: row.created_at,
  };
}

export function toCharacterView(row: CharacterRow): CharacterView {
  return {
    slug: row.slug,
    name: row.name,
    ...(row.avatar_url ? { avatarUrl: row.avatar_url } : {}),
    ...(row.greeting ? { greeting: row.greeting } : {}),
    ...(row.accent ? { accent: row.accent } : {}),
  };
}
