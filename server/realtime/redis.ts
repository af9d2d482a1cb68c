import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Log } from '../chat/replies.js';
import type { TipsyServer } from './types.js';

export interface RedisLink {
  /** For commands (rate limits) and publishing. */
  client: Redis;
  close(): Promise<void>;
}

/**
 * Joins this process to the others through Redis: broadcasts to rooms,
 * fetchSockets and serverSideEmit reach every process, and rate limits share counts.
 */
export function linkThroughRedis(io: TipsyServer, url: string, prefix: string, log: Log): RedisLink {
  const client = new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  const subscriber = client.duplicate();
  for (const connection of [client, subscriber]) {
    connection.on('error', (error: Error) => log.warn({ err: error }, 'redis connection problem'));
  }
  io.adapter(createAdapter(client, subscriber, { key: `${prefix}:socket.io`, requestsTimeout: 3000 }));
  return {
    client,
    async close() {
      await Promise.allSettled([client.quit(), subscriber.quit()]);
    },
  };
}
