import { z } from 'zod';
import { Id } from '../../../chat/inputs.js';
import { adminProcedure, router } from '../../init.js';

const KeyRef = z.object({ keyId: Id });

export const adminKeysRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.admin.listKeys(ctx.siteId)),

  /** A new key; a secret key is shown in this answer only. */
  create: adminProcedure
    .input(z.object({ kind: z.enum(['publishable', 'secret']) }))
    .mutation(({ ctx, input }) => ctx.admin.createKey(ctx.siteId, input.kind)),

  /** Replaces a key with a new one of its kind; the old one stops working at once. */
  rotate: adminProcedure.input(KeyRef).mutation(({ ctx, input }) => ctx.admin.rotateKey(ctx.siteId, input.keyId)),

  /** Stops a key at once, on open sockets too. */
  revoke: adminProcedure.input(KeyRef).mutation(async ({ ctx, input }) => {
    await ctx.admin.revokeKey(ctx.siteId, input.keyId);
    return { revoked: input.keyId };
  }),
});
