import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SiteDirectory } from '../auth/site-directory.js';
import type { TipsyServer } from './types.js';

const sidOf = (url: string | undefined) => new URL(url ?? '/', 'http://x').searchParams.get('sid');

/**
 * Engine.IO middleware: runs on every Socket.IO HTTP request (the handshake,
 * each long-poll, the WebSocket upgrade), so no request skips an origin check.
 *
 * The handshake must come from an origin some site lists. Every later request
 * of that session must come from the same origin; the socket's own site is
 * checked against it once the token says who the visitor is (see server.ts),
 * and again by the access sweeper whenever keys or origins change.
 * CORS is answered here, for a passing origin only.
 */
export function originGate(io: TipsyServer, sites: SiteDirectory, isClosing: () => boolean) {
  // Each Engine.IO session's handshake origin, for as long as the session lives.
  const handshakeOrigins = new Map<string, string | undefined>();
  io.engine.on('connection', (session: { id: string; request: IncomingMessage; once(event: 'close', fn: () => void): void }) => {
    handshakeOrigins.set(session.id, session.request.headers.origin);
    session.once('close', () => handshakeOrigins.delete(session.id));
  });

  /**
   * A later request of a session must come from the session's origin. A same-origin page's
   * handshake (a GET) carries no Origin; its session takes the first one it shows, if known.
   */
  const sameSession = async (sid: string, origin: string): Promise<boolean> => {
    if (!handshakeOrigins.has(sid)) return true; // an unknown session id is refused by Engine.IO itself
    const bound = handshakeOrigins.get(sid);
    if (bound !== undefined) return bound === origin;
    if (!(await sites.isKnownOrigin(origin))) return false;
    handshakeOrigins.set(sid, origin);
    return true;
  };

  return (req: IncomingMessage, res: ServerResponse, next: (err?: Error) => void): void => {
    const sid = sidOf(req.url);
    // Shutting down: no new sessions (clients come back to another process, or to this one restarted).
    if (!sid && isClosing()) return next(new Error('UNAVAILABLE'));
    const origin = req.headers.origin;
    if (!origin) return next(); // not a browser, or a same-origin page
    const allowed = sid ? sameSession(sid, origin) : sites.isKnownOrigin(origin);
    allowed.then(
      (ok) => {
        if (!ok) return next(new Error('FORBIDDEN_ORIGIN'));
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        next();
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  };
}
