import { z } from 'zod';
import { CharacterInput, CharacterSlug, CharacterUpdateInput } from '../../../characters/inputs.js';
import { createCharacter, deleteCharacter, listCharacters, updateCharacter } from '../../../characters/store.js';
import { adminProcedure, router } from '../../init.js';

export const adminCharactersRouter = router({
  list: adminProcedure.query(({ ctx }) => listCharacters(ctx.db, ctx.siteId)),
  create: adminProcedure.input(CharacterInput).mutation(({ ctx, input }) => createCharacter(ctx.db, ctx.siteId, input)),
  update: adminProcedure
    .input(CharacterUpdateInput)
    .mutation(({ ctx, input: { slug, ...changes } }) => updateCharacter(ctx.db, ctx.siteId, slug, changes)),
  /** Deletes the character and every conversation with it. */
  delete: adminProcedure.input(z.object({ slug: CharacterSlug })).mutation(async ({ ctx, input }) => {
    await deleteCharacter(ctx.db, ctx.siteId, input.slug);
    return { deleted: input.slug };
  }),
});
