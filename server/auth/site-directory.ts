import type { Db } from '../db/database.js';
import { TipsyError } from '../errors.js';
import { isOriginAllowed } from './origins.js';

export interface SiteAccess {
  id: string;
  name: string;
  origins: readonly string[];
}

const CACHE_MS = 5_000;

/**
 * Answers "which site is this publishable key for, and from which origins" on
 * every request and Socket.IO poll. A short cache keeps that off the database;
 * it holds nothing another process would need.
 */
export class SiteDirectory {
  private readonly byKey = new Map<string, { at: number; site: SiteAccess | null }>();
  private readonly byId = new Map<string, { at: number; site: SiteAccess | null }>();

  constructor(private readonly db: Db) {}

  async findByPublishableKey(key: string): Promise<SiteAccess | null> {
    return this.cached(this.byKey, key, async () => {
      const row = await this.db
        .selectFrom('site_keys')
        .select('site_id')
        .where('key', '=', key)
        .where('kind', '=', 'publishable')
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row ? this.load(row.site_id) : null;
    });
  }

  async findById(siteId: string): Promise<SiteAccess | null> {
    return this.cached(this.byId, siteId, () => this.load(siteId));
  }

  /** The site for a publishable key, checked against the request's origin. */
  async requireForOrigin(key: string, origin: string | undefined): Promise<SiteAccess> {
    const site = await this.findByPublishableKey(key);
    if (!site) throw new TipsyError('UNAUTHORIZED', 'This site key is not valid.');
    assertOrigin(site, origin);
    return site;
  }

  forget(): void {
    this.byKey.clear();
    this.byId.clear();
  }

  private async load(siteId: string): Promise<SiteAccess | null> {
    const site = await this.db.selectFrom('sites').select(['id', 'name']).where('id', '=', siteId).executeTakeFirst();
    if (!site) return null;
    const origins = await this.db.selectFrom('site_origins').select('origin').where('site_id', '=', siteId).execute();
    return { ...site, origins: origins.map((o) => o.origin) };
  }

  private async cached(
    map: Map<string, { at: number; site: SiteAccess | null }>,
    key: string,
    load: () => Promise<SiteAccess | null>,
  ): Promise<SiteAccess | null> {
    const hit = map.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.site;
    const site = await load();
    if (map.size > 10_000) map.clear();
    map.set(key, { at: Date.now(), site });
    return site;
  }
}

export function assertOrigin(site: SiteAccess, origin: string | undefined): void {
  if (!isOriginAllowed(origin, site.origins)) {
    throw new TipsyError('FORBIDDEN_ORIGIN', 'This chat is not enabled for this website.');
  }
}
