import { z } from 'zod';
import { CharacterInput, CharacterSlug, CharacterUpdateInput } from '../../../characters/inputs.js';
import { cardFromCharacter, cardFromJson, characterFromCard, embedCardInPng, parseCard, plainPng } from '../../../characters/cards.js';
import { createCharacter, deleteCharacter, findCharacter, listCharacters, toCharacterRecord, updateCharacter } from '../../../characters/store.js';
import { adminProcedure, router } from '../../init.js';

export const adminCharactersRouter = router({
  list: adminProcedure.query(({ ctx }) => listCharacters(ctx.db, ctx.siteId)),
  create: adminProcedure.input(CharacterInput).mutation(async ({ ctx, input }) => {
    await ctx.siteRules.assertResponder(input.responder); // only an endpoint the operator allows
    return createCharacter(ctx.db, ctx.siteId, input);
  }),
  update: adminProcedure
    .input(CharacterUpdateInput)
    .mutation(async ({ ctx, input: { slug, ...changes } }) => {
      await ctx.siteRules.assertResponder(changes.responder);
      const updated = await updateCharacter(ctx.db, ctx.siteId, slug, changes);
      await ctx.access.changed(); // whether it answers at all is remembered by every process
      return updated;
    }),
  /** Adds a character from a Character Card V2: its JSON, or a PNG with the card inside (base64, within the 256 KB body limit). */
  import: adminProcedure
    .input(
      z.union([
        z.object({ card: z.unknown(), slug: CharacterSlug.optional() }),
        z.object({ pngBase64: z.string().max(340_000), slug: CharacterSlug.optional() }),
      ]),
    )
    .mutation(({ ctx, input }) => {
      // The card is read as it arrived, never re-serialised: its depth is bounded first (cards.ts).
      const card = 'pngBase64' in input ? parseCard(Buffer.from(input.pngBase64, 'base64')) : cardFromJson(input.card ?? null);
      return createCharacter(ctx.db, ctx.siteId, characterFromCard(card, input.slug));
    }),

  /** A character as a Character Card V2: JSON, or a PNG (a plain square in its accent) with the card inside. */
  export: adminProcedure
    .input(z.object({ slug: CharacterSlug, format: z.enum(['json', 'png']).default('json') }))
    .query(async ({ ctx, input }) => {
      const card = cardFromCharacter(toCharacterRecord(await findCharacter(ctx.db, ctx.siteId, input.slug)));
      if (input.format === 'json') return { card };
      const record = card.data.extensions?.tipsy as { accent?: string } | undefined;
      return { card, pngBase64: embedCardInPng(plainPng(record?.accent), card).toString('base64') };
    }),

  /** Deletes the character and every conversation with it. */
  delete: adminProcedure.input(z.object({ slug: CharacterSlug })).mutation(async ({ ctx, input }) => {
    await deleteCharacter(ctx.db, ctx.siteId, input.slug);
    return { deleted: input.slug };
  }),
});
