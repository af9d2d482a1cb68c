import { setTimeout as sleep } from 'node:timers/promises';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Log } from '../log.js';
import type { TipsyServer } from './types.js';

export interface RedisLink {
  /** For rate limits: fails at once while Redis is away, so limits fall back to memory without waiting. */
  limits: Redis;
  close(): Promise<void>;
}

const READY_WAIT_MS = 2000;

/**
 * Joins this process to the others through Redis: broadcasts to rooms,
 * fetchSockets and serverSideEmit reach every process, and rate limits share
 * counts. Redis going away degrades this process to working alone; it never
 * stops it.
 */
export async function linkThroughRedis(io: TipsyServer, url: string, prefix: string, log: Log): Promise<RedisLink> {
  const publisher = new Redis(url, { maxRetriesPerRequest: 2 });
  const subscriber = publisher.duplicate();
  const limits = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true });
  const connections = [publisher, subscriber, limits];
  for (const connection of connections) {
    connection.on('error', (error: Error) => log.warn({ err: error }, 'redis connection problem'));
  }
  // The adapter fires these without handling a failure: while Redis is away, each would become an
  // unhandled rejection. Log them instead; local sockets keep working, and the adapter resubscribes.
  for (const method of ['publish']) logFailures(publisher, method, log);
  for (const method of ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']) logFailures(subscriber, method, log);
  io.adapter(createAdapter(publisher, subscriber, { key: `${prefix}:socket.io`, requestsTimeout: 3000 }));

  // Start with shared limits when Redis is there; without it, start anyway.
  await Promise.race([new Promise((resolve) => limits.once('ready', resolve)), sleep(READY_WAIT_MS)]);
  if (limits.status !== 'ready') log.warn({}, 'redis is not answering: limits are per process until it does');

  return {
    limits,
    async close() {
      // QUIT waits for Redis to answer; with Redis away, just drop the connection.
      await Promise.allSettled(connections.map((c) => (c.status === 'ready' ? c.quit() : Promise.resolve(c.disconnect()))));
    },
  };
}

function logFailures(connection: Redis, method: string, log: Log): void {
  const target = connection as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = target[method]!.bind(connection);
  target[method] = (...args: unknown[]) =>
    original(...args).catch((error: unknown) => {
      log.warn({ err: error, command: method }, 'redis command failed');
      return undefined;
    });
}
