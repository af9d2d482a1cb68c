import { ChooseSwipeInput, RegenerateInput, SendMessageInput, StopInput } from '../../chat/inputs.js';
import { router, visitorProcedure } from '../init.js';

export const messageRouter = router({
  /** The same as the socket's `send_message`, for when no socket can be had. */
  send: visitorProcedure
    .input(SendMessageInput)
    .mutation(async ({ ctx, input }) => ({ message: await ctx.chat.send({ ...ctx.visitor, ip: ctx.ip }, input) })),

  /** The same as the socket's `stop_generation`. */
  stop: visitorProcedure.input(StopInput).mutation(({ ctx, input }) => ctx.chat.stop(ctx.visitor, input.conversationId)),

  /** The same as the socket's `regenerate`: the message as now stored; the new version streams to the room. */
  regenerate: visitorProcedure
    .input(RegenerateInput)
    .mutation(async ({ ctx, input }) => ({ message: await ctx.chat.regenerate({ ...ctx.visitor, ip: ctx.ip }, input) })),

  /** The same as the socket's `choose_swipe`. */
  chooseSwipe: visitorProcedure
    .input(ChooseSwipeInput)
    .mutation(async ({ ctx, input }) => ({ message: await ctx.chat.chooseSwipe(ctx.visitor, input) })),
});
