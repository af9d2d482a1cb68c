import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { StudioSessions } from '../auth/studio-sessions.js';
import { TipsyError } from '../errors.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { Limits } from '../limits/policy.js';
import type { ErrorCode } from '../protocol/errors.js';
import { clearedStudioCookie, isStudioRequest, studioCaller, studioCookie } from './studio-request.js';

const SignIn = z.union([z.object({ link: z.string().min(1).max(200) }).strict(), z.object({ secretKey: z.string().min(1).max(200) }).strict()]);

const STATUS: Partial<Record<ErrorCode, number>> = { INVALID_INPUT: 400, UNAUTHORIZED: 401, FORBIDDEN_ORIGIN: 403, NOT_FOUND: 404, RATE_LIMITED: 429 };

function fail(reply: FastifyReply, error: unknown) {
  const known = error instanceof TipsyError ? error : new TipsyError('INTERNAL', 'Something went wrong on our side.');
  if (!(error instanceof TipsyError)) reply.log.error({ err: error }, 'studio sign-in failed');
  const { code, message, retryAfterMs } = known.toBody();
  const status = STATUS[code] ?? 500;
  if (retryAfterMs !== undefined) void reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
  return reply.code(status).send({ error: { message, data: { errorCode: code, httpStatus: status, ...(retryAfterMs !== undefined && { retryAfterMs }) } } });
}

/** Only the studio's own page may sign in or out: same origin, with its header (a form on another site cannot add one). */
function requireStudioPage(request: FastifyRequest): void {
  if (!isStudioRequest(request)) throw new TipsyError('FORBIDDEN_ORIGIN', 'Sign in from the studio itself.');
}

/**
 * The studio's sign-in and sign-out. A session's token goes only into an HttpOnly,
 * SameSite=Strict cookie (Secure over HTTPS): page scripts never see it, and no other
 * site's page can send it.
 */
export function registerStudioRoutes(app: FastifyInstance, deps: { sessions: StudioSessions; rateLimits: RateLimits; limits: Limits }): void {
  app.post('/studio/api/sign-in', async (request, reply) => {
    try {
      requireStudioPage(request);
      await deps.rateLimits.consume('studioSignInsPerIp', deps.limits.studioSignInsPerIp, request.ip, 'Too many sign-in attempts from this network. Please wait a few minutes.');
      const parsed = SignIn.safeParse(request.body);
      if (!parsed.success) throw new TipsyError('INVALID_INPUT', 'Sign in with a one-time link or the site’s secret key.');
      const { token, siteId } = await deps.sessions.signIn(parsed.data);
      return reply.header('set-cookie', studioCookie(token, request.protocol === 'https')).header('cache-control', 'no-store').send({ siteId });
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.post('/studio/api/sign-out', async (request, reply) => {
    try {
      requireStudioPage(request);
      await deps.sessions.signOut(studioCaller(request).token);
      return reply.header('set-cookie', clearedStudioCookie(request.protocol === 'https')).send({ signedOut: true });
    } catch (error) {
      return fail(reply, error);
    }
  });
}
