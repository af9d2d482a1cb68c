import type { Db } from '../db/database.js';
import type { CharacterRow } from '../db/tables.js';
import { newId, nowIso } from '../ids.js';
import { notFound } from '../errors.js';
import type { CharacterView } from '../protocol/message.js';

export interface CharacterDefinition {
  slug: string;
  name: string;
  avatarUrl?: string;
  greeting?: string;
  persona?: string;
}

/** The named character of a site, or its first one when no slug is given. */
export async function findCharacter(db: Db, siteId: string, slug: string | undefined): Promise<CharacterRow> {
  let query = db.selectFrom('characters').selectAll().where('site_id', '=', siteId);
  query = slug ? query.where('slug', '=', slug) : query.orderBy('created_at').orderBy('id');
  const row = await query.executeTakeFirst();
  if (!row) throw notFound(slug ? `The character "${slug}"` : 'A character for this site');
  return row;
}

export async function getCharacterById(db: Db, id: string): Promise<CharacterRow> {
  const row = await db.selectFrom('characters').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The character');
  return row;
}

/** Creates the character, or updates the one with the same slug. */
export async function upsertCharacter(db: Db, siteId: string, def: CharacterDefinition): Promise<void> {
  const values = {
    name: def.name,
    avatar_url: def.avatarUrl ?? null,
    greeting: def.greeting ?? null,
    persona: def.persona ?? '',
  };
  await db
    .insertInto('characters')
    .values({ id: newId(), site_id: siteId, slug: def.slug, created_at: nowIso(), ...values })
    .onConflict((oc) => oc.columns(['site_id', 'slug']).doUpdateSet(values))
    .execute();
}

export function toCharacterView(row: CharacterRow): CharacterView {
  return {
    slug: row.slug,
    name: row.name,
    ...(row.avatar_url ? { avatarUrl: row.avatar_url } : {}),
    ...(row.greeting ? { greeting: row.greeting } : {}),
  };
}
