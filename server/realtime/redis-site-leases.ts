import type { Redis } from 'ioredis';
import type { LeaseCount, SiteLeases } from '../limits/shared-reply-slots.js';
import type { Log } from '../log.js';

/** A place not kept alive for this long is free again: a process that died holds it no longer. */
export const LEASE_TTL_MS = 10_000;
const RENEW_EVERY_MS = LEASE_TTL_MS / 4;

/**
 * Takes a place in every count at once, or in none: each count is a sorted set
 * of leases scored by when they expire (Redis's own clock, so the processes'
 * clocks need not agree); expired ones are dropped first, then the rest are
 * counted. Answers 0 when taken, else the (1-based) number of the first full count.
 */
const TAKE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if not redis.call('ZSCORE', KEYS[i], ARGV[2]) and redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[i + 2]) then return i end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now + ttl, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], 2 * ttl)
end
return 0`;

/** Keeps this process's leases alive (only those still there: XX never brings back one dropped or expired). */
const RENEW = `
local t = redis.call('TIME')
local expiry = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[1]))
return 1`;

/** A site's reply places across processes: a sorted set of expiring leases per site and count. */
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

  async take(siteId: string, lease: string, counts: readonly LeaseCount[]): Promise<number> {
    const keys = counts.map((count) => this.key(siteId, count.name));
    const full = Number(await this.redis.eval(TAKE, keys.length, ...keys, LEASE_TTL_MS, lease, ...counts.map((count) => count.capacity)));
    if (full) return full - 1;
    for (const key of keys) {
      const leases = this.mine.get(key) ?? new Set();
      leases.add(lease);
      this.mine.set(key, leases);
    }
    return -1;
  }

  drop(siteId: string, lease: string, names: readonly string[]): void {
    const keys = names.map((name) => this.key(siteId, name));
    for (const key of keys) {
      const leases = this.mine.get(key);
      leases?.delete(lease);
      if (leases?.size === 0) this.mine.delete(key);
    }
    // Not dropped (Redis away)? They expire within LEASE_TTL_MS.
    const dropped = this.redis.multi();
    for (const key of keys) dropped.zrem(key, lease);
    dropped.exec().catch((error: unknown) => this.log.warn({ err: error, siteId }, 'could not give back a reply place'));
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

  private key(siteId: string, name: string): string {
    return `${this.prefix}:reply-places:${siteId}:${name}`;
  }
}
