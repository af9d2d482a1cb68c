import type { Db } from '../db/database.js';
import { TipsyError } from '../errors.js';
import { isOriginAllowed, normalizeOrigin, wildcardCandidates } from './origins.js';
import { ReadThroughCache } from './read-through-cache.js';
import { readSiteRecord } from './site-record.js';
import { limitsWithin } from '../limits/ceilings.js';
import { resolveLimits, type Limits, type LimitsOverride } from '../limits/policy.js';

export interface SiteAccess {
  id: string;
  name: string;
  origins: readonly string[];
  /** The defaults, the operator's overrides, then the site's own (never looser than the operator's). */
  limits: Limits;
  /** Whether pages may define characters by attributes. */
  allowPageCharacters: boolean;
  /** Whether visitors may start new conversations (conversation.create). */
  allowNewConversations: boolean;
  /** The site's default responder settings (JSON), for characters without their own. */
  responder: string | null;
}

/**
 * How long a change made elsewhere (another process, the CLI) may take to be
 * seen here. Changes made through this process's admin API are seen at once.
 */
export const DIRECTORY_TTL_MS = 5_000;
/** Keys, sites and origins each keep this many answers; past it, the least recently asked go. */
export const DIRECTORY_CACHE_SIZE = 10_000;

/**
 * Answers the questions every request asks (which site is this key for, from
 * which origins, is this key still live) from a short cache, so they stay off
 * the database. It holds nothing another process would need.
 */
export class SiteDirectory {
  private readonly keys: ReadThroughCache<{ siteId: string; keyId: string } | null>;
  private readonly liveKeys: ReadThroughCache<boolean>;
  private readonly sites: ReadThroughCache<SiteAccess | null>;
  private readonly knownOrigins: ReadThroughCache<boolean>;
  private readonly forgetListeners: (() => void)[] = [];
  /** The operator's limits: every site's unless it tightens them, and their ceilings. */
  private readonly operatorLimits: Limits;

  constructor(
    private readonly db: Db,
    /** The operator's overrides of the default limits (TIPSY_LIMITS). */
    limitOverrides?: LimitsOverride,
    /** Answers kept per kind of question. */
    cacheSize = DIRECTORY_CACHE_SIZE,
  ) {
    this.operatorLimits = resolveLimits(limitOverrides);
    const cache = <V>(load: (key: string) => Promise<V>) => new ReadThroughCache({ ttlMs: DIRECTORY_TTL_MS, max: cacheSize, load });
    this.keys = cache((key) => this.loadPublishableKey(key));
    this.liveKeys = cache((keyId) => this.loadKeyLive(keyId));
    this.sites = cache((siteId) => this.loadSite(siteId));
    this.knownOrigins = cache((origin) => this.loadKnownOrigin(origin));
  }

  /** The site and key id of a live publishable key, checked against the request's origin. */
  async requirePublishableKey(key: string, origin: string | undefined): Promise<{ site: SiteAccess; keyId: string }> {
    const found = await this.keys.get(key);
    const site = found && (await this.findById(found.siteId));
    if (!found || !site) throw new TipsyError('UNAUTHORIZED', 'This site key is not valid.');
    assertOrigin(site, origin);
    return { site, keyId: found.keyId };
  }

  findById(siteId: string): Promise<SiteAccess | null> {
    return this.sites.get(siteId);
  }

  isKeyLive(keyId: string): Promise<boolean> {
    return this.liveKeys.get(keyId);
  }

  /** The site's limits; the operator's defaults for a site that is gone. */
  async limitsFor(siteId: string): Promise<Limits> {
    return (await this.findById(siteId))?.limits ?? this.operatorLimits;
  }

  /** Whether any site lists this origin (exactly or by wildcard): the gate before a socket says who it is. */
  isKnownOrigin(origin: string): Promise<boolean> {
    const normalized = normalizeOrigin(origin);
    if (!normalized) return Promise.resolve(false);
    return this.knownOrigins.get(normalized);
  }

  /** Drops every cached answer (after a key, origin, site or character change), and tells onForget's listeners. */
  forget(): void {
    this.keys.clear();
    this.liveKeys.clear();
    this.sites.clear();
    this.knownOrigins.clear();
    for (const listener of this.forgetListeners) listener();
  }

  /** Another cache of what a site owner can change drops its answers whenever the directory drops its own. */
  onForget(listener: () => void): void {
    this.forgetListeners.push(listener);
  }

  private async loadPublishableKey(key: string): Promise<{ siteId: string; keyId: string } | null> {
    const row = await this.db
      .selectFrom('site_keys')
      .select(['site_id', 'id'])
      .where('key', '=', key)
      .where('kind', '=', 'publishable')
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row ? { siteId: row.site_id, keyId: row.id } : null;
  }

  private async loadKeyLive(keyId: string): Promise<boolean> {
    const row = await this.db.selectFrom('site_keys').select('id').where('id', '=', keyId).where('revoked_at', 'is', null).executeTakeFirst();
    return row !== undefined;
  }

  private async loadSite(siteId: string): Promise<SiteAccess | null> {
    const site = await readSiteRecord(this.db, siteId);
    if (!site) return null;
    return {
      id: site.id,
      name: site.name,
      origins: site.origins,
      limits: limitsWithin(this.operatorLimits, site.limits),
      allowPageCharacters: site.allowPageCharacters,
      allowNewConversations: site.allowNewConversations,
      responder: site.responder,
    };
  }

  /** `origin` is normalized. */
  private async loadKnownOrigin(origin: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('site_origins')
      .select('site_id')
      .where('origin', 'in', [origin, ...wildcardCandidates(origin)])
      .executeTakeFirst();
    return row !== undefined;
  }
}

export function assertOrigin(site: SiteAccess, origin: string | undefined): void {
  if (!isOriginAllowed(origin, site.origins)) {
    throw new TipsyError('FORBIDDEN_ORIGIN', 'This chat is not enabled for this website.');
  }
}
