import { ServerResponse, type IncomingMessage } from 'node:http';
import { TipsyError } from '../errors.js';
import { clientAddress, type TrustProxy } from '../http/client-address.js';
import type { LimitWindow } from '../limits/policy.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { Log } from '../log.js';
import { engineSid, repeatsProtocolParameter } from './engine-query.js';

export interface HandshakeLimitDeps {
  rateLimits: RateLimits;
  /** Handshakes one address may make (limits.socketHandshakesPerIp). */
  window: LimitWindow;
  trust: TrustProxy;
  log: Log;
}

/**
 * Engine.IO middleware, first in the chain: counts the handshakes (requests
 * without a `sid`, polling or WebSocket) of each client address, before
 * Engine.IO creates a session for them. Each session holds buffers and timers
 * until its ping times out; over the limit, the request is answered 429 with
 * `Retry-After` and the usual `{ code, message, retryAfterMs }` body, and no
 * session exists. Requests of sessions already open are not counted here.
 */
export function handshakeLimit({ rateLimits, window, trust, log }: HandshakeLimitDeps) {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: Error) => void): void => {
    if (repeatsProtocolParameter(req)) return next(new Error('a protocol parameter is repeated'));
    if (engineSid(req)) return next();
    rateLimits.consume('socketHandshakesPerIp', window, clientAddress(req, trust), 'Too many connections from this network.').then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof TipsyError)) {
          log.error({ err: error }, 'counting a socket handshake failed');
          return next(error instanceof Error ? error : new Error(String(error)));
        }
        refuseHandshake(req, res, error);
        next(error); // Engine.IO sees the answer is sent and only ends the request
      },
    );
  };
}

function refuseHandshake(req: IncomingMessage, res: ServerResponse, error: TipsyError): void {
  const body = JSON.stringify(error.toBody());
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'Retry-After': String(Math.ceil((error.retryAfterMs ?? 1000) / 1000)),
  };
  // Like a tRPC error, the refusal may be read by any page (it holds nothing but the code and the wait).
  const origin = req.headers.origin;
  if (origin) Object.assign(headers, { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Retry-After', Vary: 'Origin' });
  if (res instanceof ServerResponse) {
    res.writeHead(429, headers).end(body);
    return;
  }
  // A WebSocket upgrade has no response object yet: the answer goes on the connection itself.
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  req.socket.end(`HTTP/1.1 429 Too Many Requests\r\n${head}Connection: close\r\n\r\n${body}`);
}
