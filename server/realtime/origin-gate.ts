import type { IncomingMessage, ServerResponse } from 'node:http';
import { isOriginAllowed } from '../auth/origins.js';
import type { SiteDirectory } from '../auth/site-directory.js';

export const SITE_KEY_PARAM = 'siteKey';

export function siteKeyOf(url: string | undefined): string | undefined {
  return new URL(url ?? '/', 'http://x').searchParams.get(SITE_KEY_PARAM) ?? undefined;
}

/**
 * Engine.IO middleware: runs on every Socket.IO HTTP request (handshake, each
 * long-poll, the WebSocket upgrade), so no request skips the origin lock.
 * CORS is answered here too, for an allowed origin only.
 */
export function originGate(sites: SiteDirectory) {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: Error) => void): void => {
    const key = siteKeyOf(req.url);
    const origin = req.headers.origin;
    if (!key) return next(new Error('UNAUTHORIZED'));
    sites.findByPublishableKey(key).then(
      (site) => {
        if (!site) return next(new Error('UNAUTHORIZED'));
        if (!isOriginAllowed(origin, site.origins)) return next(new Error('FORBIDDEN_ORIGIN'));
        if (origin) {
          res.setHeader('Access-Control-Allow-Origin', origin);
          res.setHeader('Vary', 'Origin');
        }
        next();
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  };
}
