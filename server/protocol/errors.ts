/**
 * Stable error codes. They are part of the public contract: the widget maps
 * each one to human words, and integrators may branch on them.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNAUTHORIZED',
  'IDENTITY_REJECTED',
  'FORBIDDEN_ORIGIN',
  'NOT_ALLOWED',
  'NOT_FOUND',
  'RATE_LIMITED',
  'UNAVAILABLE',
  /** The site's model budget for the day or the month is spent: replies resume when the period turns (retryAfterMs). */
  'QUOTA_EXCEEDED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** With RATE_LIMITED and QUOTA_EXCEEDED: milliseconds until a retry can succeed. */
  retryAfterMs?: number;
}
