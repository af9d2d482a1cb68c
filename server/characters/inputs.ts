import { z } from 'zod';

/** An avatar is an absolute http(s) URL or a path on the chat server; nothing that could run. */
export const AvatarUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    if (/^\/(?!\/)/.test(value)) return true;
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  }, 'The avatar must be an http(s) URL or a path starting with /.');

export const CharacterSlug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A slug is 1–64 lowercase letters, digits and dashes.');

export const CharacterInput = z.object({
  slug: CharacterSlug,
  name: z.string().trim().min(1).max(80),
  avatarUrl: AvatarUrl.optional(),
  greeting: z.string().trim().min(1).max(1000).optional(),
  persona: z.string().max(8000).optional(),
});
export type CharacterInput = z.infer<typeof CharacterInput>;

/** Only the fields to change; `null` clears the avatar or the greeting. */
export const CharacterUpdateInput = z.object({
  slug: CharacterSlug,
  name: CharacterInput.shape.name.optional(),
  avatarUrl: AvatarUrl.nullable().optional(),
  greeting: CharacterInput.shape.greeting.unwrap().nullable().optional(),
  persona: CharacterInput.shape.persona,
});
