import { initTRPC } from '@trpc/server';
import { TipsyError } from '../errors.js';
import { bearerToken, type Context } from './context.js';
import { publicError, toTRPCError } from './errors.js';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const { message, ...details } = publicError(error);
    // No stack traces or internals leave the server.
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, message, data: { ...data, ...details } };
  },
});

export const router = t.router;

/** Turns the domain's TipsyError into a tRPC error with the matching HTTP status. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof TipsyError) throw toTRPCError(result.error.cause);
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

/** A procedure for a visitor: the bearer token names the visitor and site; the input never does. */
export const visitorProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const visitor = await ctx.sessions.authenticate(bearerToken(ctx.authorization), ctx.lockedOrigin);
  ctx.cors.originVerified = true;
  ctx.tagLog({ visitorId: visitor.visitorId, siteId: visitor.siteId });
  return next({ ctx: { visitor } });
});

/**
 * A procedure for a site owner: from their server, `Authorization: Bearer sk_…`
 * names the site; from the studio's page on this origin, its session cookie does.
 * Everything is scoped to that site. Secret keys never belong in a browser, so
 * any other call that carries an Origin is refused.
 */
export const adminProcedure = publicProcedure.use(async ({ ctx, next }) => {
  let siteId: string;
  const studio = ctx.studioCaller();
  if (studio.page) {
    // The studio's page, on this origin, signed in: its session cookie names the site.
    const signedIn = await ctx.studio.siteOf(studio.token);
    if (!signedIn) throw new TipsyError('UNAUTHORIZED', 'Sign in to the studio again.');
    siteId = signedIn;
  } else {
    if (ctx.origin !== undefined) {
      throw new TipsyError('FORBIDDEN_ORIGIN', 'Secret keys are for servers: admin calls from a browser are refused.');
    }
    const found = await ctx.admin.siteOfSecretKey(bearerToken(ctx.authorization) ?? '');
    if (!found) throw new TipsyError('UNAUTHORIZED', 'A valid secret key (sk_…) is required.');
    siteId = found.siteId;
  }
  ctx.tagLog({ siteId });
  return next({ ctx: { siteId } });
});
