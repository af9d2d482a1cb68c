/** A benchmark's own Redis keys: its servers write under a prefix of their own on a Redis others share. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** A prefix no other run uses (TIPSY_REDIS_PREFIX allows word characters, `:`, `.` and `-`). */
export const uniqueRedisPrefix = (name: string): string => `tipsy-bench-${name}-${randomBytes(4).toString('hex')}`;

/** Deletes every key under `prefix`; resolves to how many there were. */
export async function dropRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let dropped = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) dropped += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return dropped;
  } finally {
    redis.disconnect();
  }
}
