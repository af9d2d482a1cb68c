import { SessionStartInput } from '../../chat/inputs.js';
import { publicProcedure, router } from '../init.js';

export const sessionRouter = router({
  start: publicProcedure.input(SessionStartInput).mutation(async ({ ctx, input }) => {
    const session = await ctx.sessions.start(input, { origin: ctx.lockedOrigin, ip: ctx.ip });
    ctx.cors.originVerified = true;
    return session;
  }),
});
