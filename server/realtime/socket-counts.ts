import { setTimeout as sleep } from 'node:timers/promises';
import type { TipsyServer } from './types.js';

/** How long a connect waits for the other processes' counts (a Redis call is allowed 1 s: realtime/redis.ts). */
const ASK_OTHERS_MS = 1000;

/** How many sockets are open in each room, across every process. */
export type SocketCounts = (rooms: readonly string[]) => Promise<number[]>;

const localCounts = (io: TipsyServer, rooms: readonly string[]) => rooms.map((room) => io.of('/').adapter.rooms.get(room)?.size ?? 0);

/**
 * Counts a room's open sockets: this process's from its own rooms, the others'
 * by asking each for a number (`count_sockets` through the adapter). Asking for
 * the sockets themselves (`fetchSockets`) sent every process a description of
 * every socket in the room on each connect: thousands of sockets behind one
 * address made answers large enough for Redis to drop the adapter's connection.
 * With the other processes out of reach (Redis away, or silent for a second),
 * this process's own count decides.
 */
export function socketCounts(io: TipsyServer, shared: boolean): SocketCounts {
  if (!shared) return async (rooms) => localCounts(io, rooms);
  io.on('count_sockets', (rooms, answer) => answer(localCounts(io, rooms)));
  return async (rooms) => {
    const counts = localCounts(io, rooms);
    // Bounded here: the adapter never answers at all when it cannot even count the processes (Redis away).
    const waited = new AbortController();
    const others = await Promise.race([
      io.serverSideEmitWithAck('count_sockets', [...rooms]),
      sleep(ASK_OTHERS_MS, [], { signal: waited.signal }),
    ])
      .catch(() => [])
      .finally(() => waited.abort()); // no timer left behind per connect
    for (const theirs of others) rooms.forEach((_, i) => (counts[i]! += Number(theirs[i]) || 0));
    return counts;
  };
}
