import { createTRPCClient, httpLink, isTRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../server/protocol/api.js';
import type { ErrorBody } from '../../server/protocol/errors.js';

export type Api = ReturnType<typeof createApi>;

/** The typed HTTP client; `token()` supplies the current visitor token for each request. */
export function createApi(server: string, token: () => string | undefined) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: new URL('/trpc', server).href,
        headers: () => {
          const value = token();
          return value ? { authorization: `Bearer ${value}` } : {};
        },
      }),
    ],
  });
}

/**
 * Any failure of a call, as the server's stable code, message and, when limited, when to retry.
 * The error's `data` is typed by the server's error formatter through AppRouter: a change there breaks this.
 */
export function errorBodyOf(error: unknown): ErrorBody {
  if (isTRPCClientError<AppRouter>(error) && error.data?.errorCode) {
    const { errorCode: code, retryAfterMs } = error.data;
    return { code, message: error.message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  return { code: 'UNAVAILABLE', message: 'The chat server could not be reached.' };
}
