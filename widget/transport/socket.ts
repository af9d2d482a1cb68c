import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../../server/protocol/events.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Opens the live connection; the visitor token goes in the handshake's auth, never in a URL. */
export function connectSocket(server: string, token: () => string): ChatSocket {
  return io(server, {
    // A function, so every reconnect sends the freshest token.
    auth: (cb) => cb({ token: token() } satisfies HandshakeAuth),
    reconnectionDelayMax: 5_000,
  });
}
