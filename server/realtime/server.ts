import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { SiteDirectory } from '../auth/site-directory.js';
import type { ChatService } from '../chat/service.js';
import type { Sessions } from '../chat/sessions.js';
import { registerConversationHandlers } from './handlers/conversation.js';
import { registerMessageHandlers } from './handlers/messages.js';
import { registerTypingHandlers } from './handlers/typing.js';
import { concurrentSockets, connectRate, eventRate, refuse, type SocketLimitDeps } from './limits.js';
import { originGate } from './origin-gate.js';
import type { TipsyServer } from './types.js';
import { JoinedConversations } from './joined-conversations.js';

/** A message is at most 4,000 characters; 64 KB leaves room for framing and nothing more. */
const MAX_PACKET_BYTES = 64 * 1024;

export function createSocketServer(httpServer: HttpServer, sites: SiteDirectory, isClosing: () => boolean): TipsyServer {
  const io: TipsyServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    serveClient: false,
  });
  // The widget is cross-origin by nature: originGate checks origins and answers CORS.
  io.engine.use(originGate(io, sites, isClosing));
  return io;
}

/**
 * Every socket goes through, in order: the connect rate of its address, the
 * visitor token (and the origin its site allows), the number of sockets its
 * visitor and address already have open. Then its events are counted and handled.
 */
export function attachChat(io: TipsyServer, deps: { chat: ChatService; sessions: Sessions } & SocketLimitDeps): void {
  const { chat, sessions, log } = deps;
  io.use(connectRate(deps));
  io.use((socket, next) => {
    const { auth, headers } = socket.handshake;
    const token = typeof auth?.token === 'string' ? auth.token : undefined;
    sessions.authenticate(token, headers.origin).then(
      (visitor) => {
        Object.assign(socket.data, visitor);
        next();
      },
      (error: unknown) => refuse(next, error, log),
    );
  });
  io.use(concurrentSockets(io, deps));

  io.on('connection', (socket) => {
    socket.use(eventRate(socket, deps));
    const handlerDeps = { chat, log };
    const joined = new JoinedConversations(socket, chat);
    registerConversationHandlers(socket, handlerDeps, joined);
    registerMessageHandlers(socket, handlerDeps, joined);
    registerTypingHandlers(socket);
  });
}
