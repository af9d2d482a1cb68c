import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { SiteDirectory } from '../auth/site-directory.js';
import type { Log } from '../chat/replies.js';
import type { ChatService } from '../chat/service.js';
import { TipsyError } from '../errors.js';
import { registerConversationHandlers } from './handlers/conversation.js';
import { registerMessageHandlers } from './handlers/messages.js';
import { registerTypingHandlers } from './handlers/typing.js';
import { originGate, siteKeyOf } from './origin-gate.js';
import type { TipsyServer } from './types.js';

/** A message is at most 4,000 characters; 64 KB leaves room for framing and nothing more. */
const MAX_PACKET_BYTES = 64 * 1024;

export function createSocketServer(httpServer: HttpServer, sites: SiteDirectory): TipsyServer {
  const io: TipsyServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    serveClient: false,
  });
  // The widget is cross-origin by nature: originGate answers CORS per site.
  io.engine.use(originGate(sites));
  return io;
}

/** Authenticates each socket, then wires its event handlers. */
export function attachChat(io: TipsyServer, chat: ChatService, sites: SiteDirectory, log: Log): void {
  io.use((socket, next) => {
    const { auth, headers, url } = socket.handshake;
    const token = typeof auth?.token === 'string' ? auth.token : undefined;
    const origin = headers.origin;
    (async () => {
      const visitor = await chat.authenticate(token, origin);
      const site = await sites.findByPublishableKey(siteKeyOf(url) ?? '');
      if (site?.id !== visitor.siteId) throw new TipsyError('UNAUTHORIZED', 'This token is for another site.');
      socket.data.visitorId = visitor.visitorId;
      socket.data.siteId = visitor.siteId;
    })().then(
      () => next(),
      (error: unknown) => {
        const body =
          error instanceof TipsyError
            ? { code: error.code, message: error.message }
            : { code: 'INTERNAL', message: 'Something went wrong on our side.' };
        if (!(error instanceof TipsyError)) log.error({ err: error }, 'socket authentication failed');
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
