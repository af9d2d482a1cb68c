import { z } from 'zod';
import { insertKey, listKeys, revokeKey, rotateKey } from '../../../auth/keys.js';
import { Id } from '../../../chat/inputs.js';
import { adminProcedure, router } from '../../init.js';

const KeyRef = z.object({ keyId: Id });

export const adminKeysRouter = router({
  list: adminProcedure.query(({ ctx }) => listKeys(ctx.db, ctx.siteId)),

  /** A new key; a secret key is shown in this answer only. */
  create: adminProcedure
    .input(z.object({ kind: z.enum(['publishable', 'secret']) }))
    .mutation(({ ctx, input }) => insertKey(ctx.db, ctx.siteId, input.kind)),

  /** Replaces a key with a new one of its kind; the old one stops working at once. */
  rotate: adminProcedure.input(KeyRef).mutation(async ({ ctx, input }) => {
    const issued = await rotateKey(ctx.db, ctx.siteId, input.keyId);
    await ctx.access.changed();
    return issued;
  }),

  /** Stops a key at once, on open sockets too. */
  revoke: adminProcedure.input(KeyRef).mutation(async ({ ctx, input }) => {
    await revokeKey(ctx.db, ctx.siteId, input.keyId);
    await ctx.access.changed();
    return { revoked: input.keyId };
  }),
});
