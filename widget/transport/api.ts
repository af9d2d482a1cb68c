import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../server/protocol/api.js';
import type { ErrorBody, ErrorCode } from '../../server/protocol/errors.js';

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

/** Any failure of a call, as the server's stable code and message. */
export function errorBodyOf(error: unknown): ErrorBody {
  if (error instanceof TRPCClientError) {
    const code = (error.data as { errorCode?: ErrorCode } | undefined)?.errorCode;
    if (code) return { code, message: error.message };
  }
  return { code: 'UNAVAILABLE', message: 'The chat server could not be reached.' };
}
