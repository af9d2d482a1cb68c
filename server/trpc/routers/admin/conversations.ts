import { z } from 'zod';
import { ExternalUserId, HistoryInput, Id } from '../../../chat/inputs.js';
import { deleteVisitorData, listConversations, readTranscript } from '../../../chat/transcripts.js';
import { adminProcedure, router } from '../../init.js';

export const adminConversationsRouter = router({
  list: adminProcedure
    .input(
      z.object({
        before: Id.optional(),
        limit: z.number().int().min(1).max(100).default(50),
        userId: ExternalUserId.optional(),
      }),
    )
    .query(({ ctx, input }) => listConversations(ctx.db, ctx.siteId, input)),

  transcript: adminProcedure
    .input(HistoryInput)
    .query(({ ctx, input }) => readTranscript(ctx.db, ctx.siteId, input.conversationId, input)),

  /** Erases one visitor's data: by our visitor id, or by the site's own user id. */
  deleteVisitor: adminProcedure
    .input(z.union([z.object({ visitorId: Id }), z.object({ userId: ExternalUserId })]))
    .mutation(async ({ ctx, input }) => {
      const erased = await deleteVisitorData(ctx.db, ctx.siteId, input);
      ctx.access.visitorErased(erased.visitorId);
      return { deletedConversations: erased.deletedConversations };
    }),
});
