import { initTRPC } from '@trpc/server';
import { TipsyError } from '../errors.js';
import { bearerToken, type Context } from './context.js';
import { publicError, toTRPCError } from './errors.js';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const { errorCode, message } = publicError(error);
    // No stack traces or internals leave the server.
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, message, data: { ...data, errorCode } };
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
  const visitor = await ctx.chat.authenticate(bearerToken(ctx.authorization), ctx.origin);
  ctx.cors.originVerified = true;
  return next({ ctx: { visitor } });
});
