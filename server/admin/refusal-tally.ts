import { utcDay } from '../ids.js';
import type { Db } from '../db/database.js';

/** Refusals are added up in memory and written this often, a row per site and day: a storm of them is not a storm of writes. */
const FLUSH_MS = 5_000;
/** Distinct sites (or visitors) a tally holds between writes; past it, further ones go uncounted until the next write. */
const MAX_PENDING = 10_000;
/** A write that keeps failing (the database away) is tried this many times, then given up: these are statistics. */
const MAX_TRIES = 5;
/** Visitors looked up per query when their refusals are written. */
const LOOKUP_CHUNK = 500;

/**
 * Rate limits whose key names the site: counted per site and address (`<siteId>:<address>`,
 * chat/sessions.ts), per visitor (the visitor id), or per socket (the socket's id). The
 * others (per address alone: requests, connects, handshakes, studio sign-ins) are met
 * before any site is known, and are not a site's to count.
 */
const KEYED_BY: Record<string, 'site-and-address' | 'visitor' | 'socket'> = {
  sessionsPerIp: 'site-and-address',
  returningSessionsPerIp: 'site-and-address',
  messageBurst: 'visitor',
  messageSustained: 'visitor',
  conversationsPerVisitor: 'visitor',
  socketEvents: 'socket',
};


interface Pending {
  count: number;
  tries: number;
}

/**
 * Counts requests refused with RATE_LIMITED, per site and UTC day (daily_refusals), for the
 * site owner's usage charts (admin/site-stats.ts). Counting never throws and never waits on
 * the database: a refusal adds to a tally in memory, written every FLUSH_MS and at close.
 */
export class RefusalTally {
  /** `<siteId>\0<day>` or `<visitorId>\0<day>` → refusals not yet written. */
  readonly #sites = new Map<string, Pending>();
  readonly #visitors = new Map<string, Pending>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly db: Db,
    private readonly options: {
      /** The site of a socket open on this process, by its id. */
      socketSite?: (socketId: string) => string | undefined;
      /** A write failed: logged, never thrown. */
      onError?: (error: unknown) => void;
      now?: () => Date;
    } = {},
  ) {}

  /** A refusal for the site. */
  site(siteId: string): void {
    this.#add(this.#sites, siteId, 1);
  }

  /** A refusal for a visitor: their site is looked up when it is written. */
  visitor(visitorId: string): void {
    this.#add(this.#visitors, visitorId, 1);
  }

  /** A refusal by a rate limit (limits/rate-limits.ts), counted for the site its key names, if it names one. */
  limitRefused(name: string, key: string): void {
    const keyedBy = KEYED_BY[name];
    if (keyedBy === 'site-and-address') this.site(key.slice(0, key.indexOf(':')));
    else if (keyedBy === 'visitor') this.visitor(key);
    else if (keyedBy === 'socket') {
      const siteId = this.options.socketSite?.(key);
      if (siteId) this.site(siteId);
    }
  }

  #add(into: Map<string, Pending>, id: string, count: number, tries = 0, day = utcDay(this.options.now?.() ?? new Date())): void {
    if (!id) return;
    const key = `${id}\u0000${day}`;
    const pending = into.get(key);
    if (pending) pending.count += count;
    else if (into.size < MAX_PENDING) into.set(key, { count, tries });
    else return;
    if (!this.#closed) this.#timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /** Writes what is pending; one write at a time (a second waits for the first). Never rejects. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flushOnce()).catch((error: unknown) => this.options.onError?.(error));
    return this.#flushing;
  }

  /** Writes what is pending and schedules no more writes (before the database closes). */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  async #flushOnce(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const sites = new Map(this.#sites);
    const visitors = [...this.#visitors];
    this.#sites.clear();
    this.#visitors.clear();
    // Visitors' refusals go to their sites (a visitor erased since is not counted).
    let resolved = 0;
    try {
      for (; resolved < visitors.length; resolved += LOOKUP_CHUNK) {
        const chunk = visitors.slice(resolved, resolved + LOOKUP_CHUNK);
        const ids = [...new Set(chunk.map(([key]) => key.split('\u0000')[0]!))];
        const rows = await this.db.selectFrom('visitors').select(['id', 'site_id']).where('id', 'in', ids).execute();
        const siteOf = new Map(rows.map((r) => [r.id, r.site_id]));
        for (const [key, pending] of chunk) {
          const [visitorId, day] = key.split('\u0000') as [string, string];
          const siteId = siteOf.get(visitorId);
          if (!siteId) continue;
          const siteKey = `${siteId}\u0000${day}`;
          const known = sites.get(siteKey);
          if (known) known.count += pending.count;
          else sites.set(siteKey, { count: pending.count, tries: pending.tries });
        }
      }
    } catch (error) {
      this.options.onError?.(error);
      // Only the chunks not yet added to their sites: those are written below.
      for (const [key, pending] of visitors.slice(resolved)) this.#retry(this.#visitors, key, pending);
    }
    for (const [key, pending] of sites) {
      const [siteId, day] = key.split('\u0000') as [string, string];
      try {
        await this.#write(siteId, day, pending.count);
      } catch (error) {
        this.options.onError?.(error);
        this.#retry(this.#sites, key, pending);
      }
    }
  }

  #retry(into: Map<string, Pending>, key: string, pending: Pending): void {
    if (pending.tries + 1 >= MAX_TRIES) return;
    const [id, day] = key.split('\u0000') as [string, string];
    this.#add(into, id, pending.count, pending.tries + 1, day);
  }

  #write(siteId: string, day: string, refusals: number) {
    return this.db
      .insertInto('daily_refusals')
      .values({ site_id: siteId, day, refusals })
      .onConflict((oc) => oc.columns(['site_id', 'day']).doUpdateSet((eb) => ({ refusals: eb('daily_refusals.refusals', '+', eb.ref('excluded.refusals')) })))
      .execute();
  }
}
