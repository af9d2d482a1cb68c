import { z } from 'zod';
import { AgentReplyInput, AgentTypingInput, ConversationInput, ExternalUserId, HistoryInput, Id, TakeOverInput } from '../../../chat/inputs.js';
import { ConversationFilters } from '../../../chat/conversation-filters.js';
import { adminProcedure, router } from '../../init.js';

export const adminConversationsRouter = router({
  list: adminProcedure
    .input(
      z.object({
        before: Id.optional(),
        limit: z.number().int().min(1).max(100).default(50),
        userId: ExternalUserId.optional(),
      }).extend(ConversationFilters.shape),
    )
    .query(({ ctx, input }) => ctx.admin.listConversations(ctx.siteId, input)),

  transcript: adminProcedure
    .input(HistoryInput)
    .query(({ ctx, input }) => ctx.admin.readTranscript(ctx.siteId, input.conversationId, input)),

  /** Erases one visitor's data: by our visitor id, or by the site's own user id. */
  deleteVisitor: adminProcedure
    .input(z.union([z.object({ visitorId: Id }), z.object({ userId: ExternalUserId })]))
    .mutation(({ ctx, input }) => ctx.admin.eraseVisitor(ctx.siteId, input)),

  // Live takeover: the site owner answers as a person. It is the conversation's business (its replies,
  // its room), so the chat service keeps its rules; each call is scoped to the key's site here.

  /** A person named `name` answers from now on: the reply streaming now stops, and the character is asked for nothing. */
  takeOver: adminProcedure
    .input(TakeOverInput)
    .mutation(({ ctx, input }) => ctx.chat.takeovers.takeOver(ctx.siteId, input.conversationId, input.name)),

  /** The person's message to the visitor (only while taken over): stored, and sent to the room as `sender_type: 'agent'`. */
  reply: adminProcedure
    .input(AgentReplyInput)
    .mutation(async ({ ctx, input }) => ({ message: await ctx.chat.takeovers.reply(ctx.siteId, input) })),

  /** The person is typing (or stopped): the room hears `typing` with `sender_type: 'agent'`. */
  typing: adminProcedure
    .input(AgentTypingInput)
    .mutation(({ ctx, input }) => ctx.chat.takeovers.typing(ctx.siteId, input.conversationId, input.typing)),

  /** Hands the conversation back to the character. */
  release: adminProcedure
    .input(ConversationInput)
    .mutation(({ ctx, input }) => ctx.chat.takeovers.release(ctx.siteId, input.conversationId)),
});
