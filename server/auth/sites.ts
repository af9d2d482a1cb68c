import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { notFound, TipsyError } from '../errors.js';
import { newId, nowIso } from '../ids.js';
import { insertKey } from './keys.js';
import { normalizeAllowedOrigin } from './origins.js';
import { readSiteRecord } from './site-record.js';
import type { LimitsOverride } from '../limits/policy.js';
import { parseBudget, type BudgetSettings } from '../budgets/budget-settings.js';
import {
  mergeResponderSettings,
  parseResponderSettings,
  redactResponderSettings,
  type ResponderSettings,
} from '../characters/responders/settings.js';

export interface NewSite {
  name: string;
  origins: readonly string[];
}

/** Everything a new site's owner needs; the secret key and identity secret are shown only here. */
export interface CreatedSite {
  siteId: string;
  publishableKey: string;
  secretKey: string;
  identitySecret: string;
}

export interface SiteInfo {
  id: string;
  name: string;
  origins: string[];
  /** The limits this site overrides; the rest are the defaults. */
  limits: LimitsOverride;
  /** Whether pages may define characters by attributes. */
  allowPageCharacters: boolean;
  /** Whether visitors may start new conversations with a character. */
  allowNewConversations: boolean;
  /** The site's default model for its characters (API key shown only as a hint); null = the server's. */
  responder: ResponderSettings | null;
  /** Conversations older than this many days are deleted by the server; null keeps them. */
  retentionDays: number | null;
  /** The model budget (tokens or spend, a day and a month); null: none. */
  budget: BudgetSettings | null;
  createdAt: string;
}

const newIdentitySecret = () => randomBytes(32).toString('hex');

export function normalizeOrigins(origins: readonly string[]): string[] {
  return [
    ...new Set(
      origins.map((o) => {
        const normalized = normalizeAllowedOrigin(o);
        if (!normalized) throw new TipsyError('INVALID_INPUT', `Not an http(s) origin: ${o}`);
        return normalized;
      }),
    ),
  ];
}

/** Creates a site with its origins, a publishable key and a secret key, in one transaction. */
export async function createSite(db: Db, site: NewSite): Promise<CreatedSite> {
  const origins = normalizeOrigins(site.origins);
  const siteId = newId();
  const identitySecret = newIdentitySecret();
  return db.transaction().execute(async (tx) => {
    await tx.insertInto('sites').values({ id: siteId, name: site.name, identity_secret: identitySecret, created_at: nowIso() }).execute();
    const publishable = await insertKey(tx, siteId, 'publishable');
    const secret = await insertKey(tx, siteId, 'secret');
    if (origins.length) {
      await tx.insertInto('site_origins').values(origins.map((origin) => ({ site_id: siteId, origin }))).execute();
    }
    return { siteId, publishableKey: publishable.key, secretKey: secret.key, identitySecret };
  });
}

export async function getSite(db: Db, siteId: string): Promise<SiteInfo> {
  const site = await readSiteRecord(db, siteId);
  if (!site) throw notFound('The site');
  return {
    id: site.id,
    name: site.name,
    origins: site.origins,
    limits: site.limits ?? {},
    allowPageCharacters: site.allowPageCharacters,
    allowNewConversations: site.allowNewConversations,
    responder: redactResponderSettings(parseResponderSettings(site.responder)) ?? null,
    retentionDays: site.retentionDays,
    budget: parseBudget(site.budget),
    createdAt: site.createdAt,
  };
}

export async function listSites(db: Db): Promise<SiteInfo[]> {
  const sites = await db.selectFrom('sites').select('id').orderBy('created_at').orderBy('id').execute();
  return Promise.all(sites.map((s) => getSite(db, s.id)));
}

/** Renames a site, replaces its allowed origins, and/or replaces its limit overrides (null: back to defaults). */
export async function updateSite(
  db: Db,
  siteId: string,
  changes: {
    name?: string;
    origins?: readonly string[];
    limits?: LimitsOverride | null;
    allowPageCharacters?: boolean;
    allowNewConversations?: boolean;
    responder?: ResponderSettings | null;
    retentionDays?: number | null;
    budget?: BudgetSettings | null;
  },
): Promise<SiteInfo> {
  const origins = changes.origins && normalizeOrigins(changes.origins);
  await db.transaction().execute(async (tx) => {
    const found = await tx.selectFrom('sites').select('id').where('id', '=', siteId).executeTakeFirst();
    if (!found) throw notFound('The site');
    if (changes.name !== undefined) await tx.updateTable('sites').set({ name: changes.name }).where('id', '=', siteId).execute();
    if (changes.allowPageCharacters !== undefined) {
      await tx.updateTable('sites').set({ allow_page_characters: changes.allowPageCharacters ? 1 : 0 }).where('id', '=', siteId).execute();
    }
    if (changes.allowNewConversations !== undefined) {
      await tx.updateTable('sites').set({ allow_new_conversations: changes.allowNewConversations ? 1 : 0 }).where('id', '=', siteId).execute();
    }
    if (changes.responder !== undefined) {
      const current = await tx.selectFrom('sites').select('responder').where('id', '=', siteId).executeTakeFirst();
      const responder = mergeResponderSettings(changes.responder, current?.responder ?? null) ?? null;
      await tx.updateTable('sites').set({ responder }).where('id', '=', siteId).execute();
    }
    if (changes.retentionDays !== undefined) {
      await tx.updateTable('sites').set({ retention_days: changes.retentionDays }).where('id', '=', siteId).execute();
    }
    if (changes.budget !== undefined) {
      const budget = changes.budget && Object.keys(changes.budget).length ? JSON.stringify(changes.budget) : null;
      await tx.updateTable('sites').set({ budget }).where('id', '=', siteId).execute();
    }
    if (changes.limits !== undefined) {
      const limits = changes.limits && Object.keys(changes.limits).length ? JSON.stringify(changes.limits) : null;
      await tx.updateTable('sites').set({ limits }).where('id', '=', siteId).execute();
    }
    if (origins) {
      await tx.deleteFrom('site_origins').where('site_id', '=', siteId).execute();
      if (origins.length) await tx.insertInto('site_origins').values(origins.map((origin) => ({ site_id: siteId, origin }))).execute();
    }
  });
  return getSite(db, siteId);
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

export async function identitySecretOf(db: Db, siteId: string): Promise<string> {
  const row = await db.selectFrom('sites').select('identity_secret').where('id', '=', siteId).executeTakeFirst();
  if (!row?.identity_secret) throw notFound('The site');
  return row.identity_secret;
}

/** Replaces the identity secret; user hashes made with the old one stop verifying at once. */
export async function rotateIdentitySecret(db: Db, siteId: string): Promise<string> {
  const secret = newIdentitySecret();
  const result = await db.updateTable('sites').set({ identity_secret: secret }).where('id', '=', siteId).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound('The site');
  return secret;
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
