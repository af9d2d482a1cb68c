import type { FastifyInstance } from 'fastify';
import { TipsyError } from '../errors.js';
import { envelope } from '../http/error-handler.js';
import type { LimitWindow } from '../limits/policy.js';
import type { RateLimits } from '../limits/rate-limits.js';

/**
 * Counts tRPC calls per client address before anything else runs: a refusal
 * costs no body parsing, no tRPC, no database, so a flood cannot crowd out
 * other visitors. A batch counts as many calls as it names.
 */
export function registerRequestLimit(
  app: FastifyInstance,
  options: { prefix: string; maxBatch: number; rateLimits: RateLimits; window: LimitWindow },
): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'OPTIONS' || !req.url.startsWith(`${options.prefix}/`)) return;
    // Count on the decoded path, as tRPC reads it (`%2C` is a comma too).
    const path = safeDecode(req.url.slice(options.prefix.length + 1).split('?')[0]!);
    // Past maxBatch tRPC refuses the batch itself; it still counts as that many.
    const calls = Math.min(path.split(',').length, options.maxBatch + 1);
    try {
      await options.rateLimits.consume('requestsPerIp', options.window, req.ip, 'Too many requests. Please slow down.', calls);
    } catch (error) {
      if (!(error instanceof TipsyError) || error.code !== 'RATE_LIMITED') throw error;
      const origin = req.headers.origin;
      if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin').header('access-control-expose-headers', 'Retry-After');
      return reply
        .code(429)
        .header('retry-after', String(Math.ceil((error.retryAfterMs ?? 1000) / 1000)))
        .send(envelope(429, error.message, { retryAfterMs: error.retryAfterMs }));
    }
  });
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
