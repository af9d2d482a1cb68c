import { z } from 'zod';
import { ExternalUserId, HistoryInput, Id } from '../../../chat/inputs.js';
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
    .query(({ ctx, input }) => ctx.admin.listConversations(ctx.siteId, input)),

  transcript: adminProcedure
    .input(HistoryInput)
    .query(({ ctx, input }) => ctx.admin.readTranscript(ctx.siteId, input.conversationId, input)),

  /** Erases one visitor's data: by our visitor id, or by the site's own user id. */
  deleteVisitor: adminProcedure
    .input(z.union([z.object({ visitorId: Id }), z.object({ userId: ExternalUserId })]))
    .mutation(({ ctx, input }) => ctx.admin.eraseVisitor(ctx.siteId, input)),
});
