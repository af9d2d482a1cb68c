import type { Socket } from 'node:net';
import { clientErrorHandler, envelope } from './error-handler.js';

/**
 * A connection on which nothing moves for this long is closed. It must stay above
 * Engine.IO's ping interval (25 s: a long-poll waits that long for its answer) and
 * Fastify's keep-alive (72 s); WebSockets clear it when they take the connection over.
 * What it ends is a client that stopped reading its answer.
 */
const IDLE_CONNECTION_MS = 120_000;

/**
 * Fastify and Node options that bound how long a client may take to send a
 * request: headers and body within `requestTimeoutMs`, or a 408 and the
 * connection closed. Without them a body trickled a byte at a time holds its
 * connection (and its share of memory and file descriptors) for as long as
 * the client likes: Fastify turns Node's request timeout off by default.
 */
export function requestTimeouts(requestTimeoutMs: number) {
  // Node looks for late requests only every `connectionsCheckingInterval` (30 s by default):
  // look ten times per timeout, so a late request is cut at most 10 % after its time.
  const checkEveryMs = Math.max(10, Math.ceil(requestTimeoutMs / 10));
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: IDLE_CONNECTION_MS,
    http: { requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: checkEveryMs },
    clientErrorHandler: timeoutAwareClientErrorHandler,
  };
}

/**
 * A request cut off for being late answers 408 in the usual envelope (when nothing was
 * written on its connection yet, as Node itself does), and its connection is closed
 * at once: a client that trickles its request is not owed a graceful close.
 */
function timeoutAwareClientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT') return clientErrorHandler(error, socket);
  if (socket.writable && socket.bytesWritten === 0) {
    const body = JSON.stringify(envelope(408, 'The request did not arrive in time.'));
    socket.write(
      `HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
