import { createHash } from 'node:crypto';
import type { Db } from '../db/database.js';
import type { CharacterRow } from '../db/tables.js';
import { TipsyError } from '../errors.js';
import { newId, nowIso } from '../ids.js';
import { CharacterSlug, slugify, type PageCharacterInput } from './inputs.js';

/** 64 bits of the definition's digest: finding another definition with the same slug is out of reach. */
const DIGEST_CHARS = 16;
const BASE_MAX = 64 - DIGEST_CHARS - 1;

const columnsOf = (def: PageCharacterInput) => ({
  name: def.name,
  avatar_url: def.avatarUrl ?? null,
  greeting: def.greeting ?? null,
  persona: def.persona ?? '',
});

function sameDefinition(row: CharacterRow, def: PageCharacterInput): boolean {
  const wanted = columnsOf(def);
  return row.origin === 'page' && (Object.keys(wanted) as (keyof typeof wanted)[]).every((column) => row[column] === wanted[column]);
}

/** The slug a definition lives at: the page's slug (or `page-` and its name), then the definition's digest. */
export function pageCharacterSlug(requested: string | undefined, def: PageCharacterInput): string {
  const base = requested ?? `page-${slugify(def.name)}`;
  const digest = createHash('sha256')
    .update(JSON.stringify(Object.values(columnsOf(def))))
    .digest('hex')
    .slice(0, DIGEST_CHARS);
  return CharacterSlug.parse(`${base.slice(0, BASE_MAX).replace(/-+$/, '')}-${digest}`);
}

/**
 * A character defined by a page's attributes. It is addressed by its own
 * content, so whoever holds the public site key can only ever add characters
 * (seen by those who ask for that exact definition), never change one that
 * other visitors talk to. A page whose attributes change gets a new character;
 * the old one stays as it was for the conversations held with it.
 */
export async function pageCharacter(db: Db, siteId: string, requestedSlug: string | undefined, def: PageCharacterInput): Promise<CharacterRow> {
  const base = requestedSlug ?? `page-${slugify(def.name)}`;
  // Stored before definitions were addressed by content: kept, but only for the very definition it holds.
  const earlier = await findBySlug(db, siteId, base);
  if (earlier?.origin === 'site') throw siteOwns(base);
  if (earlier && sameDefinition(earlier, def)) return earlier;

  const slug = pageCharacterSlug(requestedSlug, def);
  await db
    .insertInto('characters')
    .values({ id: newId(), site_id: siteId, slug, created_at: nowIso(), origin: 'page', ...columnsOf(def) })
    .onConflict((oc) => oc.columns(['site_id', 'slug']).doNothing())
    .execute();
  const row = await findBySlug(db, siteId, slug);
  if (!row || !sameDefinition(row, def)) throw siteOwns(slug);
  return row;
}

const siteOwns = (slug: string) => new TipsyError('NOT_ALLOWED', `"${slug}" is one of the site's own characters; a page cannot redefine it.`);

const findBySlug = (db: Db, siteId: string, slug: string) =>
  db.selectFrom('characters').selectAll().where('site_id', '=', siteId).where('slug', '=', slug).executeTakeFirst();
