import { SessionStartInput } from '../../chat/inputs.js';
import { publicProcedure, router } from '../init.js';

export const sessionRouter = router({
  start: publicProcedure.input(SessionStartInput).mutation(async ({ ctx, input }) => {
    const session = await ctx.sessions.start(input, ctx.origin);
    ctx.cors.originVerified = true;
    return session;
  }),
});
