import type { IncomingMessage, ServerResponse } from 'node:http';
import { isOriginAllowed } from '../auth/origins.js';
import type { SiteDirectory } from '../auth/site-directory.js';
import type { LockedOrigin } from '../http/own-origin.js';
import { engineSid } from './engine-query.js';
import { admitOrigin, openSession, sessionOrigin } from './session-origins.js';
import type { TipsyServer } from './types.js';

/** The parts of an Engine.IO session the gate uses (its `id` is private in Engine.IO's types). */
interface EngineSession {
  id: string;
  request: IncomingMessage;
  once(event: 'close', fn: () => void): void;
  /** With `discard`, at once, without waiting for the client's next poll. */
  close(discard?: boolean): void;
}


/**
 * Engine.IO middleware: runs on every Socket.IO HTTP request (the handshake,
 * each long-poll, the WebSocket upgrade), so no request skips an origin check.
 *
 * The handshake must come from an origin some site lists. Every later request
 * of that session must come from the same origin. A same-origin page's
 * handshake (a GET) carries no Origin: its session takes the first known one
 * it shows, and only if every site whose visitor already authenticated on it
 * allows that origin (otherwise the session is closed). The socket's own site
 * is checked against the session's origin once the token says who the visitor
 * is (see server.ts), and again by the access sweeper whenever keys or origins change.
 * CORS is answered here, for a passing origin only.
 */
export function originGate(io: TipsyServer, sites: SiteDirectory, isClosing: () => boolean, lockedOrigin: LockedOrigin) {
  // This server's open sessions by id: later requests name theirs in `sid`.
  const sessions = new Map<string, EngineSession>();
  io.engine.on('connection', (session: EngineSession) => {
    sessions.set(session.id, session);
    openSession(session, lockedOrigin(session.request.headers));
    session.once('close', () => sessions.delete(session.id));
  });

  const siteAllows = async (siteId: string, origin: string) => {
    const site = await sites.findById(siteId);
    return site !== null && isOriginAllowed(origin, site.origins);
  };

  const sameSession = async (sid: string, origin: string): Promise<boolean> => {
    const session = sessions.get(sid);
    if (!session) return false; // gone, or never ours: nothing to answer for
    // Only an origin some site lists may bind a session that has none.
    if (sessionOrigin(session) === undefined && !(await sites.isKnownOrigin(origin))) return false;
    const allowed = await admitOrigin(session, origin, siteAllows);
    // Bound now, but a visitor already on the session belongs to a site that does not allow it:
    // end the session at once (not at its next poll), so nothing more is sent on it.
    if (!allowed && sessionOrigin(session) === origin) session.close(true);
    return allowed;
  };

  return (req: IncomingMessage, res: ServerResponse, next: (err?: Error) => void): void => {
    const sid = engineSid(req);
    // Shutting down: no new sessions (clients come back to another process, or to this one restarted).
    if (!sid && isClosing()) return next(new Error('UNAVAILABLE'));
    const origin = lockedOrigin(req.headers);
    if (!origin) return next(); // not a browser, or a page of this server's own origin
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
