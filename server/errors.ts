import type { ErrorBody, ErrorCode } from './protocol/errors.js';

/**
 * The one error type the domain throws. Each transport turns it into its own
 * shape (a tRPC error, a socket ack) with the same stable code.
 */
export class TipsyError extends Error {
  /** For RATE_LIMITED: how long to wait before trying again. */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: { retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'TipsyError';
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  /** The shape clients receive: code, message and, when limited, when to retry. */
  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }) };
  }
}

export const notFound = (what: string) => new TipsyError('NOT_FOUND', `${what} was not found.`);
