import { SendMessageInput } from '../../chat/inputs.js';
import { router, visitorProcedure } from '../init.js';

export const messageRouter = router({
  /** The same as the socket's `send_message`, for when no socket can be had. */
  send: visitorProcedure
    .input(SendMessageInput)
    .mutation(async ({ ctx, input }) => ({ message: await ctx.chat.send(ctx.visitor, input) })),
});
