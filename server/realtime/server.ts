import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ChatService } from '../chat/service.js';
import type { Sessions } from '../chat/sessions.js';
import { registerConversationHandlers } from './handlers/conversation.js';
import { registerMessageHandlers } from './handlers/messages.js';
import { registerTypingHandlers } from './handlers/typing.js';
import { registerSwipeHandlers } from './handlers/swipes.js';
import { socketCounts } from './socket-counts.js';
import { concurrentSockets, connectRate, eventRate, type SocketGateDeps } from './socket-gates.js';
import { guarded, knownEventsOnly, refuse } from './middleware.js';
import { handshakeLimit } from './handshake-limit.js';
import type { LockedOrigin } from '../http/own-origin.js';
import { originGate } from './origin-gate.js';
import { authenticateOnSession } from './session-origins.js';
import type { TipsyServer } from './types.js';
import { JoinedConversations } from './joined-conversations.js';
import { countAckRefusals, countConnectRefusals, type OnRefused } from './refusal-count.js';

/** A message is at most 4,000 characters; 64 KB leaves room for framing and nothing more. */
const MAX_PACKET_BYTES = 64 * 1024;

/** The Socket.IO server; it serves nothing until attachChat has set up its gates. */
export function createSocketServer(httpServer: HttpServer): TipsyServer {
  return new Server(httpServer, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    serveClient: false,
  });
}

/**
 * Every Socket.IO HTTP request goes through, in order: the handshake count of
 * its address (the cheapest, so a flood is refused before anything else runs),
 * then the origin gate (which answers CORS: the widget is cross-origin by nature).
 * Every socket then goes through: the connect rate of its address, the visitor
 * token (and whether its site allows its Engine.IO session's origin), the number
 * of sockets its visitor and address already have open. Then its events are
 * counted and handled.
 */
export function attachChat(
  io: TipsyServer,
  deps: { chat: ChatService; sessions: Sessions; isClosing: () => boolean; shared: boolean; lockedOrigin: LockedOrigin; onRefused?: OnRefused } & SocketGateDeps,
): void {
  const { chat, sessions, log, onRefused = () => undefined } = deps;
  // Every refusal a socket meets, at connect or in an event's ack, is counted by its code.
  const use = (middleware: Parameters<typeof countConnectRefusals>[0]) => io.use(countConnectRefusals(middleware, onRefused));
  io.engine.use(handshakeLimit({ ...deps, window: deps.limits.socketHandshakesPerIp }));
  io.engine.use(originGate(io, deps.sites, deps.isClosing, deps.lockedOrigin));
  use(guarded(connectRate(deps), log));
  use(guarded((socket, next) => {
    const { auth } = socket.handshake;
    const token = typeof auth?.token === 'string' ? auth.token : undefined;
    // The session's origin, not the handshake's: the CONNECT packet may come in a later request that carries one.
    authenticateOnSession(socket.conn, (origin) => sessions.authenticate(token, origin)).then(
      (visitor) => {
        Object.assign(socket.data, visitor);
        next();
      },
      (error: unknown) => refuse(next, error, log),
    );
  }, log));
  use(guarded(concurrentSockets(socketCounts(io, deps.shared), deps), log));

  io.on('connection', (socket) => {
    // Counted first (unknown events cost their sender too), then only the protocol's events go on.
    socket.use(countAckRefusals(onRefused));
    socket.use(eventRate(socket, deps));
    socket.use(knownEventsOnly());
    const handlerDeps = { chat, log };
    const joined = new JoinedConversations(socket, chat);
    registerConversationHandlers(socket, handlerDeps, joined);
    registerMessageHandlers(socket, handlerDeps, joined);
    registerTypingHandlers(socket, handlerDeps);
    registerSwipeHandlers(socket, handlerDeps, joined);
  });
}
