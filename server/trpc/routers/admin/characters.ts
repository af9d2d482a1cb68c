import { z } from 'zod';
import { MAX_AVATAR_BYTES } from '../../../characters/avatars.js';
import { CharacterInput, CharacterSlug, CharacterUpdateInput } from '../../../characters/inputs.js';
import { ResponderSettings } from '../../../characters/responders/settings.js';
import { adminProcedure, router } from '../../init.js';

/** Bytes in base64, strictly: only base64's own characters (Node's decoder would skip anything else silently). */
const strictBase64 = (maxChars: number, what: string) =>
  z
    .string()
    .max(maxChars)
    .regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, `${what} is not valid base64.`);

/** A card file. */
const CardFileBase64 = strictBase64(340_000, 'The file');
/** An image, up to the avatar cap (the request's body limit, 256 KB, comes first over HTTP). */
const ImageBase64 = strictBase64(Math.ceil(MAX_AVATAR_BYTES / 3) * 4 + 8, 'The image');

/** A character as the studio's editor holds it: what `create` takes, without the slug (a draft gets its own). */
const Draft = CharacterInput.omit({ slug: true });

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

  /** Sets the character's avatar from an image's bytes (PNG, JPEG, WebP or GIF, told by its bytes; at most 512 KB). `update({ avatarUrl: null })` removes it. */
  setAvatar: adminProcedure
    .input(z.object({ slug: CharacterSlug, imageBase64: ImageBase64 }))
    .mutation(({ ctx, input }) => ctx.admin.characters.setAvatar(ctx.siteId, input.slug, input.imageBase64)),

  /**
   * Stores the editor's character as a hidden draft for the studio's live preview and gives its slug
   * (the same draft, the same slug). `slug`: the saved character it edits, whose stored API key a hint stands for.
   */
  preview: adminProcedure
    .input(z.object({ draft: Draft, slug: CharacterSlug.optional() }))
    .mutation(({ ctx, input }) => ctx.admin.characters.preview(ctx.siteId, input.draft, input.slug)),

  /**
   * Asks a model endpoint for a tiny completion under a short deadline: `{ ok: true, model, latencyMs }` or
   * `{ ok: false, message }`. The settings as typed (`responder`), a saved character's (`slug`), or both.
   */
  testResponder: adminProcedure
    .input(
      z.union([
        z.object({ responder: ResponderSettings, slug: CharacterSlug.optional() }),
        z.object({ slug: CharacterSlug }),
      ]),
    )
    .mutation(({ ctx, input }) => ctx.admin.characters.testResponder(ctx.siteId, input)),

  /** Deletes the character and every conversation with it. */
  delete: adminProcedure.input(z.object({ slug: CharacterSlug })).mutation(async ({ ctx, input }) => {
    await ctx.admin.deleteCharacter(ctx.siteId, input.slug);
    return { deleted: input.slug };
  }),
});
