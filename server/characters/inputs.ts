import { z } from 'zod';
import { TipsyError } from '../errors.js';
import { assertJsonBounds } from '../json-bounds.js';
import { ACCENT_PATTERN } from '../protocol/character.js';
import { hasControls, LineText, MultilineText, Text } from '../text.js';
import { AlternateGreetings, CharacterBook } from './character-book.js';
import { ResponderSettings } from './responders/settings.js';

/**
 * An avatar is an absolute http(s) URL or a path on the chat server; nothing that could run.
 * Control characters are refused, not removed: URL parsers drop some of them silently.
 */
export const AvatarUrl = Text.trim()
  .max(2048)
  .refine((value) => {
    if (hasControls(value)) return false;
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

/** A CSS hex colour, and nothing else: it goes into the widget's styles (the rule is the contract's). */
export const Accent = z.string().regex(ACCENT_PATTERN, 'An accent is a hex colour like #c2410c.');

/** A character's name: one line, control characters removed (it is shown in lists and terminals). */
export const CharacterName = LineText.trim().min(1).max(80);

/** Long fields keep their line breaks; other control characters are removed. */
const Greeting = MultilineText.trim().min(1).max(1000);

/**
 * A lorebook as given: its extensions may hold anything, so its depth and size
 * are bounded before it is walked or stored (JSON.stringify would overflow on a
 * deep enough one).
 */
export const LorebookInput = z
  .unknown()
  .superRefine((value, ctx) => {
    try {
      assertJsonBounds(value, { maxDepth: 32, maxNodes: 100_000 }, 'The lorebook');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof TipsyError ? error.message : 'The lorebook is too large.' });
    }
  })
  .pipe(CharacterBook);

/** A V3 nickname: the name `{{char}}` stands for. */
export const Nickname = LineText.trim().min(1).max(80);

export const CharacterInput = z.object({
  slug: CharacterSlug,
  name: CharacterName,
  avatarUrl: AvatarUrl.optional(),
  greeting: Greeting.optional(),
  persona: MultilineText.max(8000).optional(),
  /** Example dialogue (`{{user}}: …` / `{{char}}: …` lines). */
  examples: MultilineText.max(8000).optional(),
  accent: Accent.optional(),
  responder: ResponderSettings.optional(),
  /** Greetings a conversation may open with instead of `greeting`. */
  alternateGreetings: AlternateGreetings.optional(),
  /** A lorebook (Character Card V2/V3 `character_book`); null: none. */
  characterBook: LorebookInput.nullable().optional(),
});

/** A character defined by a page's attributes (when its site allows it). */
export const PageCharacterInput = z.object({
  name: CharacterName,
  avatarUrl: AvatarUrl.optional(),
  greeting: Greeting.optional(),
  persona: MultilineText.max(4000).optional(),
});
export type PageCharacterInput = z.infer<typeof PageCharacterInput>;
export type CharacterInput = z.infer<typeof CharacterInput>;

/** Only the fields to change; `null` clears an optional one (avatar, greeting, accent, responder, lorebook, nickname). */
export const CharacterUpdateInput = z.object({
  slug: CharacterSlug,
  name: CharacterInput.shape.name.optional(),
  avatarUrl: AvatarUrl.nullable().optional(),
  greeting: CharacterInput.shape.greeting.unwrap().nullable().optional(),
  persona: CharacterInput.shape.persona,
  examples: CharacterInput.shape.examples,
  accent: Accent.nullable().optional(),
  responder: ResponderSettings.nullable().optional(),
  alternateGreetings: AlternateGreetings.optional(),
  /** `null` removes the lorebook. */
  characterBook: LorebookInput.nullable().optional(),
  /** `null` removes it. */
  nickname: Nickname.nullable().optional(),
});

/** A slug from a name: "Captain Grog!" → "captain-grog". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56);
  return slug || 'character';
}
