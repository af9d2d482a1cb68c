import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/protocol/events.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Opens the live connection: the site key (public) in the query, the visitor token in the handshake's auth. */
export function connectSocket(server: string, siteKey: string, token: () => string): ChatSocket {
  return io(server, {
    query: { siteKey },
    // A function, so every reconnect sends the freshest token.
    auth: (cb) => cb({ token: token() }),
    reconnectionDelayMax: 10_000,
  });
}
