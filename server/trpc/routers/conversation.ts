import { ConversationInput, HistoryInput } from '../../chat/inputs.js';
import { router, visitorProcedure } from '../init.js';

export const conversationRouter = router({
  history: visitorProcedure.input(HistoryInput).query(({ ctx, input }) => ctx.chat.history(ctx.visitor, input)),

  /** A new conversation with the character of the given one (the visitor's own), opening with its greeting. */
  create: visitorProcedure
    .input(ConversationInput)
    .mutation(({ ctx, input }) => ctx.chat.createConversation(ctx.visitor, input.conversationId)),

  /** The visitor's conversations with the character of the given one, newest activity first. */
  list: visitorProcedure.input(ConversationInput).query(({ ctx, input }) => ctx.chat.listConversations(ctx.visitor, input.conversationId)),

  /**
   * Erases one of the visitor's own conversations ("Delete this chat"): its messages and their bytes.
   * A reply being written is stopped first, so the character does not go on writing into it.
   */
  erase: visitorProcedure.input(ConversationInput).mutation(async ({ ctx, input }) => {
    await ctx.chat.stop(ctx.visitor, input.conversationId);
    await ctx.privacy.eraseOwnConversation(ctx.visitor, input.conversationId);
    return { erased: true as const };
  }),
});
