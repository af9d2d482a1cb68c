import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../protocol/errors.js';

const BY_STATUS: Record<number, { errorCode: ErrorCode; rpc: number; key: string }> = {
  400: { errorCode: 'INVALID_INPUT', rpc: -32600, key: 'BAD_REQUEST' },
  404: { errorCode: 'NOT_FOUND', rpc: -32004, key: 'NOT_FOUND' },
  405: { errorCode: 'INVALID_INPUT', rpc: -32005, key: 'METHOD_NOT_SUPPORTED' },
  408: { errorCode: 'UNAVAILABLE', rpc: -32008, key: 'TIMEOUT' },
  413: { errorCode: 'INVALID_INPUT', rpc: -32013, key: 'PAYLOAD_TOO_LARGE' },
  414: { errorCode: 'INVALID_INPUT', rpc: -32600, key: 'BAD_REQUEST' },
  415: { errorCode: 'INVALID_INPUT', rpc: -32015, key: 'UNSUPPORTED_MEDIA_TYPE' },
  431: { errorCode: 'INVALID_INPUT', rpc: -32600, key: 'BAD_REQUEST' },
  429: { errorCode: 'RATE_LIMITED', rpc: -32029, key: 'TOO_MANY_REQUESTS' },
};
const INTERNAL = { errorCode: 'INTERNAL' as const, rpc: -32603, key: 'INTERNAL_SERVER_ERROR' };

/** The methods some route here serves; any other is answered 405. */
const SERVED_METHODS = ['GET', 'HEAD', 'POST', 'OPTIONS'];
/** Methods the Fetch API refuses to build a request with: tRPC's adapter would fail on them with a 500. */
const UNSERVABLE_METHODS = new Set(['TRACE', 'TRACK']);

/**
 * Errors Fastify raises before a route runs (a body that is not JSON, too
 * large, of another type), paths no route serves, and methods none serves
 * answer in the same envelope as tRPC errors, with a stable code, so every
 * client handles one shape.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send(envelope(status, error.message));
  });
  // A callback hook: no promise per request on the hot path.
  app.addHook('onRequest', (request, reply, done) => {
    if (UNSERVABLE_METHODS.has(request.method)) void methodNotAllowed(request, reply);
    else done();
  });
  app.setNotFoundHandler((request, reply) => {
    if (!SERVED_METHODS.includes(request.method)) return methodNotAllowed(request, reply);
    return reply.code(404).send(envelope(404, `Nothing is served at ${request.method} ${request.url.split('?', 1)[0]}.`));
  });
}

function methodNotAllowed(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(405).header('allow', SERVED_METHODS.join(', ')).send(envelope(405, `The method ${request.method} is not supported here.`));
}

/**
 * Fastify's `frameworkErrors` option: a URL whose path cannot be decoded
 * (FST_ERR_BAD_URL: malformed percent-encoding) gets the envelope too, rather
 * than Fastify's own shape.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  const detail = error.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid: its path has malformed percent-encoding.' : error.message;
  void reply.code(status).send(envelope(status, detail));
}

/** The tRPC error envelope, for errors that happen before tRPC runs. */
export function envelope(status: number, detail: string, extra: { retryAfterMs?: number } = {}) {
  const kind = BY_STATUS[status] ?? (status < 500 ? BY_STATUS[400]! : INTERNAL);
  const message = status >= 500 ? 'Something went wrong on our side.' : detail;
  return { error: { message, code: kind.rpc, data: { code: kind.key, httpStatus: status, errorCode: kind.errorCode, ...extra } } };
}

/** For requests Node cannot even parse (a URL or headers over its limits): the same envelope, then close. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(envelope(status, status === 431 ? 'The request’s URL or headers are too large.' : 'Malformed HTTP request.'));
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
