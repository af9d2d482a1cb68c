import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { newId, nowIso } from '../ids.js';
import { TipsyError } from '../errors.js';
import { normalizeAllowedOrigin } from './origins.js';

export interface NewSite {
  name: string;
  origins: readonly string[];
}

export interface CreatedSite {
  siteId: string;
  publishableKey: string;
}

const randomKey = (prefix: 'pk') => `${prefix}_${randomBytes(18).toString('base64url')}`;

export function normalizeOrigins(origins: readonly string[]): string[] {
  return [...new Set(origins.map((o) => {
    const normalized = normalizeAllowedOrigin(o);
    if (!normalized) throw new TipsyError('INVALID_INPUT', `Not an http(s) origin: ${o}`);
    return normalized;
  }))];
}

/** Creates a site with its allowed origins and a first publishable key, in one transaction. */
export async function createSite(db: Db, site: NewSite): Promise<CreatedSite> {
  const origins = normalizeOrigins(site.origins);
  const siteId = newId();
  const publishableKey = randomKey('pk');
  const now = nowIso();
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('sites').values({ id: siteId, name: site.name, created_at: now }).execute();
    await tx
      .insertInto('site_keys')
      .values({ id: newId(), site_id: siteId, kind: 'publishable', key: publishableKey, created_at: now, revoked_at: null })
      .execute();
    if (origins.length) {
      await tx.insertInto('site_origins').values(origins.map((origin) => ({ site_id: siteId, origin }))).execute();
    }
  });
  return { siteId, publishableKey };
}

/** Adds origins a site does not list yet. */
export async function addSiteOrigins(db: Db, siteId: string, origins: readonly string[]): Promise<void> {
  const normalized = normalizeOrigins(origins);
  if (!normalized.length) return;
  await db
    .insertInto('site_origins')
    .values(normalized.map((origin) => ({ site_id: siteId, origin })))
    .onConflict((oc) => oc.columns(['site_id', 'origin']).doNothing())
    .execute();
}

export async function publishableKeyOf(db: Db, siteId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('site_keys')
    .select('key')
    .where('site_id', '=', siteId)
    .where('kind', '=', 'publishable')
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .executeTakeFirst();
  return row?.key;
}
