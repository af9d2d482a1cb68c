import { z } from 'zod';
import { Id } from '../../../chat/inputs.js';
import { WebhookInput } from '../../../webhooks/inputs.js';
import { adminProcedure, router } from '../../init.js';

/** A site's webhooks: register, list, remove, and read their deliveries (docs/operations.md). */
export const adminWebhooksRouter = router({
  /** Registers a target for these events; the answer holds the signing secret, shown this once. */
  create: adminProcedure.input(WebhookInput).mutation(({ ctx, input }) => ctx.admin.createWebhook(ctx.siteId, input)),
  list: adminProcedure.query(({ ctx }) => ctx.admin.listWebhooks(ctx.siteId)),
  remove: adminProcedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => ctx.admin.removeWebhook(ctx.siteId, input.id)),
  /** The latest deliveries, newest first: status, attempts, the receiver's last answer. */
  deliveries: adminProcedure
    .input(z.object({ webhookId: Id.optional(), limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ ctx, input }) => ctx.admin.webhookDeliveries(ctx.siteId, input)),
});
