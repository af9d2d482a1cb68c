import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { AdminService } from '../admin/service.js';
import type { ChatService } from '../chat/service.js';
import type { Sessions } from '../chat/sessions.js';
import type { PrivacyService } from '../privacy/service.js';
import type { StudioSessions } from '../auth/studio-sessions.js';
import type { LockedOrigin } from '../http/own-origin.js';
import { headerValue, studioCaller } from '../http/studio-request.js';

/**
 * The domain's services, all a procedure may reach: no database handle, so a
 * procedure cannot skip the rules (or the access changes) a service keeps.
 */
export interface Services {
  chat: ChatService;
  sessions: Sessions;
  admin: AdminService;
  /** A visitor's own conversation erased at their request (`conversation.erase`). */
  privacy: PrivacyService;
  /** Site owners signed in to the studio, by session cookie. */
  studio: StudioSessions;
  /** The Origin a request shows origin locks (none for the chat server's own pages: http/own-origin.ts). */
  lockedOriginOf: LockedOrigin;
}

export interface Context extends Services {
  origin: string | undefined;
  /** The Origin visitors' origin locks judge: none for a page on this server's own origin (http/own-origin.ts). */
  lockedOrigin: string | undefined;
  /** The client's address (through trusted proxies only). */
  ip: string;
  authorization: string | undefined;
  /** Whether the call comes from the studio's page on this server's own origin, and its session's token (http/studio-request.ts). */
  studioCaller(): { page: boolean; token: string | undefined };
  /** Set once a procedure has checked the Origin against the caller's site; read by responseMeta for CORS. */
  cors: { originVerified: boolean };
  /** Adds the caller's ids, once known, to the request's log lines ("request completed" among them). */
  tagLog(ids: { visitorId?: string; siteId: string }): void;
}


export function contextFactory(services: Services) {
  // Named one by one: a caller may hand more than Services (app.ts's holds `access` too), and none of it belongs here.
  const { chat, sessions, admin, privacy, studio, lockedOriginOf } = services;
  return ({ req, res }: CreateFastifyContextOptions): Context => ({
    chat,
    sessions,
    admin,
    privacy,
    studio,
    lockedOriginOf,
    origin: headerValue(req.headers.origin),
    lockedOrigin: lockedOriginOf(req.headers),
    ip: req.ip,
    authorization: headerValue(req.headers.authorization),
    studioCaller: () => studioCaller(req),
    cors: { originVerified: false },
    // Fastify writes "request completed" with the reply's logger: both get the ids.
    tagLog: (ids) => {
      res.log = req.log = req.log.child(ids);
    },
  });
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}
