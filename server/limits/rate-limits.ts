import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { TipsyError } from '../errors.js';
import type { LimitWindow } from './policy.js';

/**
 * Sites can choose their own windows: the number of distinct limiters stays
 * bounded. Past it the least recently used window goes (and, in memory, its
 * counts with it), not every window at once.
 */
const MAX_LIMITERS = 1000;

export interface RateLimitsOptions {
  /** When set, counts live in Redis and hold across every server process. */
  redis?: Redis;
  prefix: string;
  /** Told each refusal, by the limit's name and the key it counts (for the metrics, and each site's daily refusals). */
  onRefused?: (name: string, key: string) => void;
}

/**
 * Counts requests against windows with rate-limiter-flexible: in memory by
 * default, in Redis when configured (with an in-memory insurance limiter, so
 * a Redis outage degrades to per-process limits instead of failing requests).
 */
export class RateLimits {
  private readonly limiters = new LRUCache<string, RateLimiterAbstract>({ max: MAX_LIMITERS });

  constructor(private readonly options: RateLimitsOptions) {}

  /** Counts `points` events for `key`; throws RATE_LIMITED (with when to retry) when the window is full. */
  async consume(name: string, window: LimitWindow, key: string, message: string, points = 1): Promise<void> {
    try {
      await this.limiter(name, window).consume(key, points);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      this.options.onRefused?.(name, key);
      throw new TipsyError('RATE_LIMITED', message, { retryAfterMs: Math.max(1, Math.ceil(rejection.msBeforeNext)) });
    }
  }

  /**
   * Counts one event in every window, all or nothing: if one is full, the
   * others are given their point back. Resolves to a refund for later, for a
   * counted request that turns out not to happen.
   */
  async consumeAll(windows: readonly (readonly [string, LimitWindow])[], key: string, message: string): Promise<() => Promise<void>> {
    const taken: (readonly [string, LimitWindow])[] = [];
    const refund = async () => {
      await Promise.all(taken.map(([name, window]) => this.limiter(name, window).reward(key).catch(() => undefined)));
    };
    try {
      for (const entry of windows) {
        await this.consume(entry[0], entry[1], key, message);
        taken.push(entry);
      }
    } catch (error) {
      await refund();
      throw error;
    }
    return refund;
  }

  private limiter(name: string, { points, seconds }: LimitWindow): RateLimiterAbstract {
    // A window's size is part of its identity: a site that changes its limits starts fresh counts.
    const id = `${name}:${points}:${seconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const keyPrefix = `${this.options.prefix}:rl:${id}`;
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: seconds });
      limiter = this.options.redis
        ? new RateLimiterRedis({ storeClient: this.options.redis, keyPrefix, points, duration: seconds, insuranceLimiter: memory })
        : memory;
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
