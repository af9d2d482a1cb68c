import { createHash } from 'node:crypto';
import type { Db } from '../db/database.js';
import { newId, nowIso } from '../ids.js';
import type { CharacterInput } from './inputs.js';
import { columnsOf } from './store.js';

/**
 * Drafts: a character as the studio's editor holds it, stored so the real widget
 * can talk to it in the live preview. Like a page character (page-characters.ts),
 * a draft lives at a slug made of its definition's digest, so the same draft is
 * the same character (and its preview conversation carries on), and any change
 * is a new one. Drafts are never listed, exported or changed by the admin API;
 * they go after a day, or past the newest DRAFTS_KEPT of a site.
 */

export type DraftDefinition = Omit<CharacterInput, 'slug'>;

const DIGEST_CHARS = 16;
export const DRAFT_TTL_MS = 24 * 60 * 60 * 1000;
/** A site's drafts past this many (newest first) go at the next preview, whatever their age. */
export const DRAFTS_KEPT = 50;

/** The stored columns of a draft; `responderJson` is the settings to store (an API key hint already replaced by the key). */
const draftColumns = (def: DraftDefinition, responderJson: string | null) => ({ ...columnsOf(def), responder: responderJson });

/** `draft-` and 64 bits of the definition's digest. */
export function draftSlug(columns: ReturnType<typeof draftColumns>): string {
  const digest = createHash('sha256').update(JSON.stringify(Object.values(columns))).digest('hex').slice(0, DIGEST_CHARS);
  return `draft-${digest}`;
}

/** Stores the draft (or finds it, when the same one was previewed already) and gives its slug. */
export async function storeDraft(db: Db, siteId: string, def: DraftDefinition, responderJson: string | null): Promise<{ slug: string }> {
  await sweepDrafts(db, siteId);
  const columns = draftColumns(def, responderJson);
  const slug = draftSlug(columns);
  await db
    .insertInto('characters')
    .values({ id: newId(), site_id: siteId, slug, created_at: nowIso(), origin: 'draft', ...columns })
    .onConflict((oc) => oc.columns(['site_id', 'slug']).doNothing())
    .execute();
  return { slug };
}

/** Drops the site's drafts older than a day, and those past the newest DRAFTS_KEPT (their preview conversations go with them). */
async function sweepDrafts(db: Db, siteId: string): Promise<void> {
  const cutoff = new Date(Date.now() - DRAFT_TTL_MS).toISOString();
  await db.deleteFrom('characters').where('site_id', '=', siteId).where('origin', '=', 'draft').where('created_at', '<', cutoff).execute();
  const extra = await db
    .selectFrom('characters')
    .select('id')
    .where('site_id', '=', siteId)
    .where('origin', '=', 'draft')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(DRAFTS_KEPT - 1)
    .limit(100)
    .execute();
  if (extra.length) await db.deleteFrom('characters').where('id', 'in', extra.map((row) => row.id)).execute();
}
