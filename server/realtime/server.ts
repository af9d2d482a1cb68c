import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { SiteDirectory } from '../auth/site-directory.js';
import type { Log } from '../chat/replies.js';
import type { ChatService } from '../chat/service.js';
import type { Sessions } from '../chat/sessions.js';
import { toErrorBody } from './ack.js';
import { registerConversationHandlers } from './handlers/conversation.js';
import { registerMessageHandlers } from './handlers/messages.js';
import { registerTypingHandlers } from './handlers/typing.js';
import { originGate } from './origin-gate.js';
import type { TipsyServer } from './types.js';

/** A message is at most 4,000 characters; 64 KB leaves room for framing and nothing more. */
const MAX_PACKET_BYTES = 64 * 1024;

export function createSocketServer(httpServer: HttpServer, sites: SiteDirectory): TipsyServer {
  const io: TipsyServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    serveClient: false,
  });
  // The widget is cross-origin by nature: originGate checks origins and answers CORS.
  io.engine.use(originGate(io, sites));
  return io;
}

/** Authenticates each socket, then wires its event handlers. */
export function attachChat(io: TipsyServer, deps: { chat: ChatService; sessions: Sessions; log: Log }): void {
  const { chat, sessions, log } = deps;
  io.use((socket, next) => {
    const { auth, headers } = socket.handshake;
    const token = typeof auth?.token === 'string' ? auth.token : undefined;
    sessions.authenticate(token, headers.origin).then(
      (visitor) => {
        socket.data = { ...visitor };
        next();
      },
      (error: unknown) => {
        const body = toErrorBody(error, log);
        // Socket.IO hands `data` to the client's connect_error.
        next(Object.assign(new Error(body.message), { data: body }));
      },
    );
  });

  io.on('connection', (socket) => {
    const deps = { chat, log };
    registerConversationHandlers(socket, deps);
    registerMessageHandlers(socket, deps);
    registerTypingHandlers(socket);
  });
}
