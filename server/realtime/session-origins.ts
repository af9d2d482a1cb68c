/**
 * The origin each Engine.IO session is bound to, and the sites whose visitors
 * authenticated on it. A session's requests are not all alike: a same-origin
 * page's handshake (a GET) carries no Origin, and the one that carries the
 * CONNECT packet may come later. So a socket is judged by its session's origin,
 * never by its handshake's headers alone; and when a session first shows an
 * origin, every site already on it must allow that origin too.
 *
 * Keyed by Engine.IO's session object (Socket.IO's `socket.conn`), in a WeakMap:
 * an entry lives exactly as long as its session, on whichever server it belongs to.
 */
interface SessionState {
  /** The handshake's Origin, or the first known one a later request showed; undefined until then. */
  origin?: string;
  /** Sites whose visitors authenticated on this session. */
  readonly sites: Set<string>;
  /** Whether those sites allow the bound origin: requests of the session wait for it while it runs. */
  allowed: Promise<boolean>;
}

const states = new WeakMap<object, SessionState>();

/** A new session, with its handshake's origin (undefined for a request without one). */
export function openSession(session: object, origin: string | undefined): void {
  states.set(session, { origin, sites: new Set(), allowed: Promise.resolve(true) });
}

/** The origin a session is bound to, if any. */
export function sessionOrigin(session: object): string | undefined {
  return states.get(session)?.origin;
}

/**
 * Whether a request of the session from `origin` may go on: the bound origin
 * only; a session without one binds to this one, once every site already
 * authenticated on it (`allows`) accepts it. Call only with origins some site lists.
 */
export function admitOrigin(session: object, origin: string, allows: (siteId: string, origin: string) => Promise<boolean>): Promise<boolean> {
  const state = states.get(session);
  if (!state) return Promise.resolve(true); // not a session of ours (yet): Engine.IO refuses unknown ids itself
  if (state.origin !== undefined) return state.origin === origin ? state.allowed : Promise.resolve(false);
  state.origin = origin;
  // The sites are read in the same turn as the origin is bound: a socket authenticating now
  // either saw this origin or is already in the set (see authenticateOnSession).
  const sites = [...state.sites];
  state.allowed = Promise.all(sites.map((siteId) => allows(siteId, origin))).then((answers) => answers.every(Boolean));
  return state.allowed;
}

/**
 * Authenticates a socket against its session's origin. Should the session bind
 * an origin while the token is being checked, it is checked again with that one.
 * The site is recorded in the same turn as the last look at the origin, so an
 * origin bound afterwards is checked against it by admitOrigin.
 */
export async function authenticateOnSession<V extends { siteId: string }>(
  session: object,
  authenticate: (origin: string | undefined) => Promise<V>,
): Promise<V> {
  // An origin is bound at most once (none → one), so this runs at most twice.
  for (;;) {
    const origin = sessionOrigin(session);
    const visitor = await authenticate(origin);
    if (sessionOrigin(session) !== origin) continue;
    states.get(session)?.sites.add(visitor.siteId);
    return visitor;
  }
}
