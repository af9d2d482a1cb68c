import { z } from 'zod';
import { CharacterInput, CharacterSlug, CharacterUpdateInput } from '../../../characters/inputs.js';
import { adminProcedure, router } from '../../init.js';

/** A card file in base64: only base64's own characters (Node's decoder would skip anything else silently). */
const CardFileBase64 = z
  .string()
  .max(340_000)
  .regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, 'The file is not valid base64.');

export const adminCharactersRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.admin.listCharacters(ctx.siteId)),
  create: adminProcedure.input(CharacterInput).mutation(({ ctx, input }) => ctx.admin.createCharacter(ctx.siteId, input)),
  update: adminProcedure
    .input(CharacterUpdateInput)
    .mutation(({ ctx, input: { slug, ...changes } }) => ctx.admin.updateCharacter(ctx.siteId, slug, changes)),
  /**
   * Adds a character from a Character Card V2 or V3: its JSON, or a PNG or CHARX file with the card inside
   * (base64, within the 256 KB body limit; the base64 is checked strictly, not decoded past garbage).
   */
  import: adminProcedure
    .input(
      z.union([
        z.object({ card: z.unknown(), slug: CharacterSlug.optional() }),
        z.object({ pngBase64: CardFileBase64, slug: CharacterSlug.optional() }),
        z.object({ charxBase64: CardFileBase64, slug: CharacterSlug.optional() }),
      ]),
    )
    .mutation(({ ctx, input }) => {
      const source = 'card' in input ? { card: input.card } : { bytes: Buffer.from('pngBase64' in input ? input.pngBase64 : input.charxBase64, 'base64') };
      return ctx.admin.importCharacter(ctx.siteId, source, input.slug);
    }),

  /**
   * A character as a Character Card V2 (as this call always answered), or V3 with `spec: 'v3'`: JSON, or a PNG
   * (its avatar, or a plain square in its accent) with the card inside (both chunks, whatever the spec).
   */
  export: adminProcedure
    .input(z.object({ slug: CharacterSlug, format: z.enum(['json', 'png']).default('json'), spec: z.enum(['v3', 'v2']).default('v2') }))
    .query(async ({ ctx, input }) => {
      const { card, png } = await ctx.admin.exportCharacter(ctx.siteId, input.slug, input.format, input.spec);
      return png ? { card, pngBase64: png.toString('base64') } : { card };
    }),

  /** Deletes the character and every conversation with it. */
  delete: adminProcedure.input(z.object({ slug: CharacterSlug })).mutation(async ({ ctx, input }) => {
    await ctx.admin.deleteCharacter(ctx.siteId, input.slug);
    return { deleted: input.slug };
  }),
});
