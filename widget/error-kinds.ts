import type { ErrorCode } from '../server/protocol/errors.js';

/**
 * Errors worth waiting out: the same request may succeed later. Any other code is the server's
 * final word. The outbox, the session's start and the socket's reconnect all retry by this list.
 */
const TRANSIENT: readonly ErrorCode[] = ['RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL'];

export const isTransient = (code: ErrorCode): boolean => TRANSIENT.includes(code);
