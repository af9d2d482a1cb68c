import { LRUCache } from 'lru-cache';

export interface ReadThroughCacheOptions<V> {
  /** How long an answer is used before it is read again. */
  ttlMs: number;
  /** How many keys are kept: past it, the least recently used goes. */
  max: number;
  /** Reads one key's answer; `null` ("nothing there") is an answer too, and is kept like any other. */
  load: (key: string) => Promise<V>;
}

/**
 * A read-through cache over lru-cache: answers expire after `ttlMs`, the least
 * recently used key is evicted at `max`, and concurrent misses for one key
 * share one load, so a flush is followed by one query per key, not a burst.
 */
export class ReadThroughCache<V> {
  // Boxed: lru-cache keeps neither null nor undefined, and "not found" must be kept too.
  private readonly entries: LRUCache<string, { value: V }>;

  constructor({ ttlMs, max, load }: ReadThroughCacheOptions<V>) {
    this.entries = new LRUCache<string, { value: V }>({
      ttl: ttlMs,
      max,
      // A load under way when clear() runs still answers its callers, but its answer is not kept.
      ignoreFetchAbort: true,
      fetchMethod: async (key) => ({ value: await load(key) }),
    });
  }

  async get(key: string): Promise<V> {
    const entry = await this.entries.fetch(key);
    // fetchMethod always resolves to a box; a failed load rejects instead, and is not kept.
    return entry!.value;
  }

  /** Drops every answer: the next get of each key loads it again. */
  clear(): void {
    this.entries.clear();
  }
}
