import type { Db } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import type { CharacterRow } from '../db/tables.js';
import { newId, nowIso } from '../ids.js';
import { notFound, TipsyError } from '../errors.js';
import type { CharacterView } from '../protocol/character.js';
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
  origin: 'site' | 'page';
  createdAt: string;
}

/** The named character of a site, or its first one when no slug is given. */
export async function findCharacter(db: Db, siteId: string, slug: string | undefined): Promise<CharacterRow> {
  let query = db.selectFrom('characters').selectAll().where('site_id', '=', siteId);
  query = slug ? query.where('slug', '=', slug) : query.orderBy('created_at').orderBy('id');
  const row = await query.executeTakeFirst();
  if (!row) throw notFound(slug ? `The character "${slug}"` : 'A character for this site');
  return row;
}

const characterById = preparedQuery((db, v: { id: string }) => db.selectFrom('characters').selectAll().where('id', '=', v.id));

export async function getCharacterById(db: Db, id: string): Promise<CharacterRow> {
  const [row] = await characterById(db, { id });
  if (!row) throw notFound('The character');
  return row;
}

/** The stored columns a definition sets. */
const columnsOf = (def: CharacterDefinition) => ({
  name: def.name,
  avatar_url: def.avatarUrl ?? null,
  greeting: def.greeting ?? null,
  persona: def.persona ?? '',
  examples: def.examples ?? '',
  accent: def.accent ?? null,
  responder: def.responder ? JSON.stringify(def.responder) : null,
});

const newRow = (siteId: string, def: CharacterDefinition) => ({
  id: newId(),
  site_id: siteId,
  slug: def.slug,
  created_at: nowIso(),
  ...columnsOf(def),
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
  const rows = await db.selectFrom('characters').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toCharacterRecord);
}

/** Creates a character; a slug the site already uses is refused. */
export async function createCharacter(db: Db, siteId: string, def: CharacterDefinition): Promise<CharacterRecord> {
  const inserted = await db
    .insertInto('characters')
    .values(newRow(siteId, def))
    .onConflict((oc) => oc.columns(['site_id', 'slug']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
    throw new TipsyError('INVALID_INPUT', `This site already has a character "${def.slug}".`);
  }
  return toCharacterRecord(await findCharacter(db, siteId, def.slug));
}

/** Changes the given fields of a character; `null` clears an optional one. */
export async function updateCharacter(
  db: Db,
  siteId: string,
  slug: string,
  changes: {
    name?: string;
    avatarUrl?: string | null;
    greeting?: string | null;
    persona?: string;
    examples?: string;
    accent?: string | null;
    responder?: ResponderSettings | null;
  },
): Promise<CharacterRecord> {
  const set = {
    ...(changes.name !== undefined && { name: changes.name }),
    ...(changes.avatarUrl !== undefined && { avatar_url: changes.avatarUrl }),
    ...(changes.greeting !== undefined && { greeting: changes.greeting }),
    ...(changes.persona !== undefined && { persona: changes.persona }),
    ...(changes.examples !== undefined && { examples: changes.examples }),
    ...(changes.accent !== undefined && { accent: changes.accent }),
  };
  if (changes.responder !== undefined) {
    const current = await db.selectFrom('characters').select('responder').where('site_id', '=', siteId).where('slug', '=', slug).executeTakeFirst();
    Object.assign(set, { responder: mergeResponderSettings(changes.responder, current?.responder ?? null) });
  }
  if (Object.keys(set).length) {
    await db.updateTable('characters').set(set).where('site_id', '=', siteId).where('slug', '=', slug).execute();
  }
  return toCharacterRecord(await findCharacter(db, siteId, slug));
}

/** Deletes a character and, with it, every conversation with it. */
export async function deleteCharacter(db: Db, siteId: string, slug: string): Promise<void> {
  const result = await db.deleteFrom('characters').where('site_id', '=', siteId).where('slug', '=', slug).executeTakeFirst();
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
