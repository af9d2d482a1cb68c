import { setTimeout as sleep } from 'node:timers/promises';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis, type RedisOptions } from 'ioredis';
import type { Log } from '../log.js';
import { MissedBroadcasts } from './missed-broadcasts.js';
import { RedisWatch } from './redis-watch.js';
import { resyncConversationSockets, type Resync } from './resync.js';
import type { TipsyServer } from './types.js';

export interface RedisLink {
  /** For rate limits: fails at once while Redis is away, so limits fall back to memory without waiting. */
  limits: Redis;
  /** True while Redis is away (from the first connection lost until all are back). */
  readonly away: boolean;
  /**
   * `log`, but quiet while Redis is away: give it to code that calls Redis, so an outage logs
   * one line when it begins and one when it ends (with how many calls failed), not one per call.
   */
  quiet(log: Log): Log;
  close(): Promise<void>;
}

const READY_WAIT_MS = 2000;
/** After an outage, the sockets in a conversation are sent to reconnect and catch up over this long. */
const RESYNC_SPREAD_MS = 3000;
/** Redis answers in well under a millisecond: two seconds of silence mean it is not there. */
const SILENCE_MS = 2000;
/** How long a visitor's send may wait on a Redis call (a limit count, a reply place) before it goes on without. */
const COMMAND_TIMEOUT_MS = 1000;

/** Reconnect soon after Redis returns (at most a second late), without spinning while it is gone. */
const reconnectDelay = (attempt: number) => Math.min(attempt * 100, 1000);

/**
 * Joins this process to the others through Redis: broadcasts to rooms,
 * serverSideEmit (with or without answers) reach every process, and rate limits share
 * counts. Redis going away degrades this process to working alone; it never
 * stops it, and it rejoins by itself when Redis is back (docs/deploy.md,
 * "Several processes: Redis").
 */
export async function linkThroughRedis(io: TipsyServer, url: string, prefix: string, log: Log, onPing?: (seconds: number) => void): Promise<RedisLink> {
  const common: RedisOptions = {
    retryStrategy: reconnectDelay,
    maxRetriesPerRequest: 1,
    // A Redis that stops answering (a partition, not a reset) counts as gone after this long
    // without a byte, like one that closed the connection; RedisWatch pings so idle ones notice too.
    socketTimeout: SILENCE_MS,
    connectTimeout: SILENCE_MS,
  };
  // No offline queue: while Redis is away a publish fails at once (counted, not queued without
  // bound, and not delivered seconds late); what others missed, they catch up from history.
  const publisher = new Redis(url, { ...common, enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS });
  // The adapter subscribes once, at start: those few commands wait for Redis however long it
  // takes (no retry limit), or this process would never hear the others. ioredis resubscribes
  // by itself after every reconnect.
  const subscriber = new Redis(url, { ...common, maxRetriesPerRequest: null });
  // A command caught in flight when the connection drops waits to be sent again after the
  // reconnect (ioredis's autoResendUnfulfilledCommands): the timeout bounds what a send waits.
  const limits = new Redis(url, { ...common, enableOfflineQueue: false, enableAutoPipelining: true, commandTimeout: COMMAND_TIMEOUT_MS });
  const connections = [publisher, subscriber, limits];

  let resync: Resync | undefined;
  const roomResyncs = new Set<Resync>();
  const resyncRooms = (rooms: string[] | null, done: () => void) => {
    const started = resyncConversationSockets(io, RESYNC_SPREAD_MS, rooms ?? undefined);
    roomResyncs.add(started);
    setTimeout(() => roomResyncs.delete(started), RESYNC_SPREAD_MS + 1000).unref();
    done();
  };
  // What this process could not publish, the others' sockets missed; their own resync may have
  // come and gone before it was stored (processes come back from an outage at different times).
  const missed = new MissedBroadcasts(`${prefix}:socket.io#/#`);
  let askLater: NodeJS.Timeout | undefined;
  let closed = false;
  const askOthersLater = () => {
    askLater ??= setTimeout(() => ((askLater = undefined), askOthersToResync()), RESYNC_SPREAD_MS).unref();
  };
  const askOthersToResync = () => {
    if (!missed.any || watch.away || closed) return;
    const rooms = missed.take();
    // Every other process answers; a request lost on the way (or unanswered) is asked again later.
    io.serverSideEmitWithAck('resync_rooms', rooms).catch(() => {
      missed.failedToAsk(rooms);
      askOthersLater();
    });
  };
  const watch = new RedisWatch(connections, log, () => {
    // Pub/sub kept nothing for us while we were gone: the widgets here catch up from history.
    resync?.stop();
    resync = resyncConversationSockets(io, RESYNC_SPREAD_MS);
    askOthersToResync();
    return { resyncingSockets: resync.count };
  }, onPing);
  io.on('resync_rooms', resyncRooms);
  // The adapter fires these without handling a failure: while Redis is away, each would become an
  // unhandled rejection. Count them instead; local sockets keep working.
  logFailures(publisher, 'publish', watch, (channel) => {
    missed.failed(String(channel));
    // A publish can fail with no outage declared (one command timing out): the others still hear of it.
    askOthersLater();
  });
  for (const method of ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']) logFailures(subscriber, method, watch);
  io.adapter(
    createAdapter(publisher, subscriber, {
      key: `${prefix}:socket.io`,
      requestsTimeout: 3000,
      // A process's answer to a request goes to the process that asked, not to all of them.
      publishOnSpecificResponseChannel: true,
    }),
  );

  // Start with shared limits when Redis is there; without it, start anyway (the watch has said so).
  const allReady = Promise.all(connections.map((c) => (c.status === 'ready' ? undefined : new Promise((resolve) => c.once('ready', resolve)))));
  await Promise.race([allReady, sleep(READY_WAIT_MS)]);

  return {
    limits,
    get away() {
      return watch.away;
    },
    quiet: (other) => watch.quiet(other),
    async close() {
      watch.close();
      closed = true;
      clearTimeout(askLater);
      resync?.stop();
      for (const started of roomResyncs) started.stop();
      // QUIT waits for Redis to answer; with Redis away, just drop the connection.
      await Promise.allSettled(connections.map((c) => (c.status === 'ready' ? c.quit() : Promise.resolve(c.disconnect()))));
    },
  };
}

function logFailures(connection: Redis, method: string, watch: RedisWatch, onFailure?: (firstArgument: unknown) => void): void {
  const target = connection as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = target[method]!.bind(connection);
  target[method] = (...args: unknown[]) =>
    original(...args).catch((error: unknown) => {
      watch.failed(connection, method, error);
      onFailure?.(args[0]);
      return undefined;
    });
}
