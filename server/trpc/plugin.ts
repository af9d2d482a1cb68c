import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { TipsyError } from '../errors.js';
import type { LimitWindow } from '../limits/policy.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { ErrorCode } from '../protocol/errors.js';
import { contextFactory, type Services } from './context.js';
import { publicError } from './errors.js';
import { trpcRoutes } from './direct-calls.js';
import { registerRequestLimit } from './request-limit.js';
import { appRouter, type AppRouter } from './router.js';

export const TRPC_PREFIX = '/trpc';
const MAX_BATCH = 20;

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'authorization, content-type, trpc-accept, x-trpc-source',
  'access-control-max-age': '600',
};

/**
 * Mounts tRPC. CORS: a preflight grants nothing by itself (no data, no
 * credentials); the real response carries Access-Control-Allow-Origin only
 * once a procedure has matched the Origin to the caller's site, or for an
 * error, so the widget can read its code.
 */
export async function registerTrpc(
  app: FastifyInstance,
  services: Services,
  limits: { rateLimits: RateLimits; requestsPerIp: LimitWindow },
  onRefused?: (code: ErrorCode) => void,
): Promise<void> {
  registerRequestLimit(app, { prefix: TRPC_PREFIX, maxBatch: MAX_BATCH, rateLimits: limits.rateLimits, window: limits.requestsPerIp });
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'OPTIONS' || !req.url.startsWith(`${TRPC_PREFIX}/`)) return;
    const origin = req.headers.origin;
    if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    return reply.headers(PREFLIGHT_HEADERS).code(204).send();
  });

  await app.register(trpcRoutes<AppRouter>, { prefix: TRPC_PREFIX, trpcOptions: trpcOptions(services, app.log, onRefused) });
}

/** How tRPC serves our router: context, CORS and Retry-After headers, error logging. */
export function trpcOptions(
  services: Services,
  log: FastifyBaseLogger,
  onRefused?: (code: ErrorCode) => void,
): FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] {
  return {
    router: appRouter,
    createContext: contextFactory(services),
    maxBatchSize: MAX_BATCH,
    responseMeta({ ctx, errors }) {
      const headers: Record<string, string> = {};
      const origin = ctx?.origin;
      if (origin && (ctx.cors.originVerified || errors.length > 0)) {
        headers['access-control-allow-origin'] = origin;
        headers.vary = 'Origin';
      }
      const waits = errors.map((e) => (e.cause instanceof TipsyError ? (e.cause.retryAfterMs ?? 0) : 0));
      const retryAfterMs = Math.max(0, ...waits);
      if (retryAfterMs > 0) {
        headers['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
        if (headers['access-control-allow-origin']) headers['access-control-expose-headers'] = 'Retry-After';
      }
      return { headers };
    },
    onError({ error, path }) {
      onRefused?.(publicError(error).errorCode);
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error, path }, 'tRPC call failed');
    },
  };
}
