import type { Db } from '../db/database.js';
import { parseStoredJson } from '../db/stored-json.js';
import { LimitsOverride } from '../limits/policy.js';

/** A site as stored, with the origins it allows: what the site directory and the admin API both start from. */
export interface SiteRecord {
  id: string;
  name: string;
  /** Sorted. */
  origins: string[];
  /** The limits the site overrides, as stored; undefined when none (or none still valid). */
  limits: LimitsOverride | undefined;
  /** Whether pages may define characters by attributes. */
  allowPageCharacters: boolean;
  /** Whether visitors may start new conversations. */
  allowNewConversations: boolean;
  /** The site's default responder settings, as stored (JSON); null = the server's. */
  responder: string | null;
  /** Conversations older than this many days are deleted; null keeps them. */
  retentionDays: number | null;
  /** The model budget, as stored (JSON, budgets/budget-settings.ts); null: none. */
  budget: string | null;
  createdAt: string;
}

/** The one reader of a site with its origins; undefined when there is no such site. */
export async function readSiteRecord(db: Db, siteId: string): Promise<SiteRecord | undefined> {
  const site = await db
    .selectFrom('sites')
    .select(['id', 'name', 'limits', 'allow_page_characters', 'allow_new_conversations', 'responder', 'retention_days', 'budget', 'created_at'])
    .where('id', '=', siteId)
    .executeTakeFirst();
  if (!site) return undefined;
  const origins = await db.selectFrom('site_origins').select('origin').where('site_id', '=', siteId).orderBy('origin').execute();
  return {
    id: site.id,
    name: site.name,
    origins: origins.map((o) => o.origin),
    limits: parseStoredJson(LimitsOverride, site.limits),
    allowPageCharacters: site.allow_page_characters === 1,
    allowNewConversations: site.allow_new_conversations === 1,
    responder: site.responder,
    retentionDays: site.retention_days,
    budget: site.budget,
    createdAt: site.created_at,
  };
}
