import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { AccessChanges } from '../auth/access-changes.js';
import type { SiteRules } from '../auth/site-rules.js';
import type { ChatService } from '../chat/service.js';
import type { Sessions } from '../chat/sessions.js';
import type { Db } from '../db/database.js';

export interface Services {
  db: Db;
  chat: ChatService;
  sessions: Sessions;
  access: AccessChanges;
  /** What the operator lets a site owner set (limit ceilings, model endpoints). */
  siteRules: SiteRules;
}

export interface Context extends Services {
  origin: string | undefined;
  /** The client's address (through trusted proxies only). */
  ip: string;
  authorization: string | undefined;
  /** Set once a procedure has checked the Origin against the caller's site; read by responseMeta for CORS. */
  cors: { originVerified: boolean };
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function contextFactory(services: Services) {
  return ({ req }: CreateFastifyContextOptions): Context => ({
    ...services,
    origin: header(req.headers.origin),
    ip: req.ip,
    authorization: header(req.headers.authorization),
    cors: { originVerified: false },
  });
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}
