import { z } from 'zod';
import { CharacterInput, CharacterSlug, CharacterUpdateInput } from '../../../characters/inputs.js';
import { adminProcedure, router } from '../../init.js';

export const adminCharactersRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.admin.listCharacters(ctx.siteId)),
  create: adminProcedure.input(CharacterInput).mutation(({ ctx, input }) => ctx.admin.createCharacter(ctx.siteId, input)),
  update: adminProcedure
    .input(CharacterUpdateInput)
    .mutation(({ ctx, input: { slug, ...changes } }) => ctx.admin.updateCharacter(ctx.siteId, slug, changes)),
  /** Adds a character from a Character Card V2: its JSON, or a PNG with the card inside (base64, within the 256 KB body limit). */
  import: adminProcedure
    .input(
      z.union([
        z.object({ card: z.unknown(), slug: CharacterSlug.optional() }),
        z.object({ pngBase64: z.string().max(340_000), slug: CharacterSlug.optional() }),
      ]),
    )
    .mutation(({ ctx, input }) =>
      ctx.admin.importCharacter(ctx.siteId, 'pngBase64' in input ? { bytes: Buffer.from(input.pngBase64, 'base64') } : { card: input.card }, input.slug),
    ),

  /** A character as a Character Card V2: JSON, or a PNG (a plain square in its accent) with the card inside. */
  export: adminProcedure
    .input(z.object({ slug: CharacterSlug, format: z.enum(['json', 'png']).default('json') }))
    .query(async ({ ctx, input }) => {
      const { card, png } = await ctx.admin.exportCharacter(ctx.siteId, input.slug, input.format);
      return png ? { card, pngBase64: png.toString('base64') } : { card };
    }),

  /** Deletes the character and every conversation with it. */
  delete: adminProcedure.input(z.object({ slug: CharacterSlug })).mutation(async ({ ctx, input }) => {
    await ctx.admin.deleteCharacter(ctx.siteId, input.slug);
    return { deleted: input.slug };
  }),
});
