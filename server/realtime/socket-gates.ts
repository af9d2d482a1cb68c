import type { SiteDirectory } from '../auth/site-directory.js';
import type { Log } from '../log.js';
import { TipsyError } from '../errors.js';
import { clientAddress, type TrustProxy } from '../http/client-address.js';
import { DEFAULT_LIMITS, type Limits } from '../limits/policy.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { splitArguments, toErrorBody } from './ack.js';
import { refuse } from './middleware.js';
import type { SocketCounts } from './socket-counts.js';
import type { TipsySocket } from './types.js';

export interface SocketGateDeps {
  rateLimits: RateLimits;
  sites: SiteDirectory;
  /** Limits that apply before the site is known. */
  limits: Limits;
  trust: TrustProxy;
  log: Log;
}

type Next = (err?: Error) => void;

/** Rooms that count a visitor's and an address's open sockets, on every process (through the adapter). */
export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
export const addressRoom = (siteId: string, ip: string) => `ip:${siteId}:${ip}`;

/** Before anything else: who is calling, and are they opening sockets too fast? */
export function connectRate({ rateLimits, limits, trust, log }: SocketGateDeps) {
  return (socket: TipsySocket, next: Next): void => {
    const ip = clientAddress(socket.request, trust);
    socket.data.ip = ip;
    rateLimits
      .consume('socketConnectsPerIp', limits.socketConnectsPerIp, ip, 'Too many connections from this network.')
      .then(() => next(), (error: unknown) => refuse(next, error, log));
  };
}

/** After authentication: at most so many open sockets per visitor and per address, as the site allows. */
export function concurrentSockets(count: SocketCounts, { sites, log }: SocketGateDeps) {
  return (socket: TipsySocket, next: Next): void => {
    const { siteId, visitorId, ip } = socket.data;
    (async () => {
      const limits = await sites.limitsFor(siteId);
      const rooms = [visitorRoom(visitorId), addressRoom(siteId, ip)];
      // Counts connected sockets only: sockets racing in together can overshoot a little (a soft limit).
      const [mine, theirs] = await count(rooms);
      if (mine! >= limits.socketsPerVisitor || theirs! >= limits.socketsPerIp) {
        throw new TipsyError('RATE_LIMITED', 'Too many open chat windows. Close one and try again.', { retryAfterMs: 5000 });
      }
      await socket.join(rooms);
    })().then(() => next(), (error: unknown) => refuse(next, error, log));
  };
}

/**
 * Every event a socket sends counts. Over the limit, an acked event is answered
 * RATE_LIMITED (with when to retry) and dropped. A socket that keeps sending
 * through as many refusals as its whole allowance is ignoring the answers: it
 * is disconnected, so a flood costs one refused reconnect, not one refusal per packet.
 */
export function eventRate(socket: TipsySocket, { rateLimits, sites, log }: SocketGateDeps) {
  let refusedInARow = 0;
  return (packet: unknown[], next: Next): void => {
    let limits = DEFAULT_LIMITS;
    (async () => {
      limits = await sites.limitsFor(socket.data.siteId);
      await rateLimits.consume('socketEvents', limits.socketEvents, socket.id, 'You are sending too quickly. Please wait a moment.');
    })().then(
      () => {
        refusedInARow = 0;
        next();
      },
      (error: unknown) => {
        splitArguments(packet).ack?.({ ok: false, error: toErrorBody(error, log) });
        if (++refusedInARow > limits.socketEvents.points && socket.connected) {
          log.warn({ visitorId: socket.data.visitorId, ip: socket.data.ip }, 'disconnecting a socket that ignores rate limits');
          socket.disconnect(true);
        }
      },
    );
  };
}
