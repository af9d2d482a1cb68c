import type { ErrorCode } from './protocol/errors.js';

/**
 * The one error type the domain throws. Each transport turns it into its own
 * shape (a tRPC error, a socket ack) with the same stable code.
 */
export class TipsyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TipsyError';
  }
}

export const notFound = (what: string) => new TipsyError('NOT_FOUND', `${what} was not found.`);
