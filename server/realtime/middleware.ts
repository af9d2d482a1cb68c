import type { Log } from '../log.js';
import type { ConnectError } from '../protocol/connect-error.js';
import { CLIENT_EVENTS } from '../protocol/events.js';
import { splitArguments, toErrorBody } from './ack.js';
import type { TipsySocket } from './types.js';

type Next = (err?: Error) => void;
type ConnectMiddleware = (socket: TipsySocket, next: Next) => void;

/** Hands a refusal to the client's connect_error: the contract's ConnectErrorData (`{ code, message, retryAfterMs? }`) as `err.data`. */
export function refuse(next: Next, error: unknown, log: Log): void {
  const data = toErrorBody(error, log);
  const refusal: ConnectError = Object.assign(new Error(data.message), { data });
  next(refusal);
}

/** A connect middleware that cannot throw into Socket.IO: a synchronous throw refuses the socket instead. */
export function guarded(middleware: ConnectMiddleware, log: Log): ConnectMiddleware {
  return (socket, next) => {
    try {
      middleware(socket, next);
    } catch (error) {
      refuse(next, error, log);
    }
  };
}

const known = new Set<unknown>(CLIENT_EVENTS);

/**
 * Lets only the protocol's events reach the socket's emitter. An unknown name
 * (`error` among them, which an EventEmitter with no listener for it throws)
 * is dropped here, its ack answered INVALID_INPUT so a client does not wait.
 */
export function knownEventsOnly() {
  return ([event, ...args]: unknown[], next: Next): void => {
    if (known.has(event)) return next();
    splitArguments(args).ack?.({ ok: false, error: { code: 'INVALID_INPUT', message: 'This event is not part of the chat protocol.' } });
  };
}
