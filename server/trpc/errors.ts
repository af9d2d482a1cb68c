import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { describeIssues } from '../chat/inputs.js';
import { TipsyError } from '../errors.js';
import type { ErrorCode } from '../protocol/errors.js';

const TO_TRPC: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  INVALID_INPUT: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  IDENTITY_REJECTED: 'UNAUTHORIZED',
  FORBIDDEN_ORIGIN: 'FORBIDDEN',
  NOT_ALLOWED: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  QUOTA_EXCEEDED: 'TOO_MANY_REQUESTS',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

const FROM_TRPC: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  BAD_REQUEST: 'INVALID_INPUT',
  PARSE_ERROR: 'INVALID_INPUT',
  PAYLOAD_TOO_LARGE: 'INVALID_INPUT',
  METHOD_NOT_SUPPORTED: 'INVALID_INPUT',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN_ORIGIN',
  NOT_FOUND: 'NOT_FOUND',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'UNAVAILABLE',
};

export function toTRPCError(error: TipsyError): TRPCError {
  return new TRPCError({ code: TO_TRPC[error.code], message: error.message, cause: error });
}

function hasIssues(value: unknown): value is { issues: Parameters<typeof describeIssues>[0] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { issues?: unknown }).issues);
}

/** The stable code and the human message a tRPC error carries to clients. */
export function publicError(error: TRPCError): { errorCode: ErrorCode; message: string; retryAfterMs?: number } {
  if (error.cause instanceof TipsyError) {
    const { code, message, retryAfterMs } = error.cause.toBody();
    return { errorCode: code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  // Any other client-side failure (wrong media type, wrong method…) is bad input.
  const errorCode = FROM_TRPC[error.code] ?? (getHTTPStatusCodeFromError(error) < 500 ? 'INVALID_INPUT' : 'INTERNAL');
  if (hasIssues(error.cause)) return { errorCode, message: describeIssues(error.cause.issues) };
  if (errorCode === 'INTERNAL') return { errorCode, message: 'Something went wrong on our side.' };
  return { errorCode, message: error.message };
}
