import type { Redis } from 'ioredis';
import type { LeasePool, SiteLeases } from '../limits/shared-reply-slots.js';
import type { Log } from '../log.js';

/** A place not kept alive for this long is free again: a process that died holds it no longer. */
export const LEASE_TTL_MS = 10_000;
const RENEW_EVERY_MS = LEASE_TTL_MS / 4;

/**
 * Takes a place when one is free, in one step: leases are a sorted set scored by
 * when they expire (Redis's own clock, so the processes' clocks need not agree);
 * expired ones are dropped first, then the rest are counted.
 */
const TAKE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[3]))
return 1`;

/** Keeps this process's leases alive (only those still there: XX never brings back one dropped or expired). */
const RENEW = `
local t = redis.call('TIME')
local expiry = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[1]))
return 1`;

/** A site's reply places across processes: a sorted set of expiring leases per site and pool. */
export class RedisSiteLeases implements SiteLeases {
  /** Per sorted set, the leases this process holds in it, renewed together. */
  private readonly mine = new Map<string, Set<string>>();
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Log,
  ) {
    this.renewal = setInterval(() => this.renew(), RENEW_EVERY_MS).unref();
  }

  async take(pool: LeasePool, siteId: string, lease: string, capacity: number): Promise<boolean> {
    const key = this.key(pool, siteId);
    const taken = (await this.redis.eval(TAKE, 1, key, capacity, lease, LEASE_TTL_MS)) === 1;
    if (taken) {
      const leases = this.mine.get(key) ?? new Set();
      leases.add(lease);
      this.mine.set(key, leases);
    }
    return taken;
  }

  drop(pool: LeasePool, siteId: string, lease: string): void {
    const key = this.key(pool, siteId);
    const leases = this.mine.get(key);
    leases?.delete(lease);
    if (leases?.size === 0) this.mine.delete(key);
    // Not dropped (Redis away)? It expires within LEASE_TTL_MS.
    this.redis.zrem(key, lease).catch((error: unknown) => this.log.warn({ err: error, siteId }, 'could not give back a reply place'));
  }

  stop(): void {
    clearInterval(this.renewal);
  }

  private renew(): void {
    for (const [key, leases] of this.mine) {
      this.redis
        .eval(RENEW, 1, key, LEASE_TTL_MS, ...leases)
        .catch((error: unknown) => this.log.warn({ err: error }, 'could not keep reply places alive'));
    }
  }

  private key(pool: LeasePool, siteId: string): string {
    return `${this.prefix}:reply-places:${siteId}:${pool}`;
  }
}
