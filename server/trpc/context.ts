import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { ChatService } from '../chat/service.js';

export interface Context {
  chat: ChatService;
  origin: string | undefined;
  authorization: string | undefined;
  /** Set once a procedure has checked the Origin against the caller's site; read by responseMeta for CORS. */
  cors: { originVerified: boolean };
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function contextFactory(chat: ChatService) {
  return ({ req }: CreateFastifyContextOptions): Context => ({
    chat,
    origin: header(req.headers.origin),
    authorization: header(req.headers.authorization),
    cors: { originVerified: false },
  });
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}
