import { Fetch, Manager, WebSocket, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../../server/protocol/events.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Opens the live connection; the visitor token goes in the handshake's auth, never in a URL.
 * A Manager of its own per connection (as io() would make for each chat on one server),
 * without io()'s cache of managers by URL.
 */
export function connectSocket(server: string, token: () => string): ChatSocket {
  return new Manager<ServerToClientEvents, ClientToServerEvents>(server, {
    reconnectionDelayMax: 5_000,
    // Long polling first (it passes proxies that drop WebSockets), then the upgrade to a WebSocket.
    // Polling with fetch rather than XHR: the same protocol, a smaller bundle.
    transports: [Fetch, WebSocket],
  }).socket('/', {
    // A function, so every reconnect sends the freshest token.
    auth: (cb) => cb({ token: token() } satisfies HandshakeAuth),
  });
}
