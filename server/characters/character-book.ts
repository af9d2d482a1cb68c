import { z } from 'zod';
import { Text } from '../text.js';

/**
 * A lorebook (the cards' `character_book`), as Character Card V2 defines it and
 * V3 extends it. Fields we do not use are kept (loose objects), so a card's book
 * round-trips as it came. Sizes are bounded: a book is scanned on every reply.
 */
const Extensions = z.record(z.string(), z.unknown());
const Keys = z.array(Text.max(200)).max(100);

export const LorebookEntry = z.looseObject({
  keys: Keys,
  content: Text.max(8000),
  extensions: Extensions.default({}),
  enabled: z.boolean().default(true),
  insertion_order: z.number().finite().default(100),
  case_sensitive: z.boolean().optional(),
  /** V3: keys are JavaScript-style regular expressions (`/…/flags`). */
  use_regex: z.boolean().optional(),
  name: Text.max(200).optional(),
  /** When the budget cannot hold every triggered entry, the lowest priority goes first. */
  priority: z.number().finite().optional(),
  id: z.union([z.number(), Text.max(100)]).optional(),
  comment: Text.max(2000).optional(),
  /** Also needs one of `secondary_keys` to match. */
  selective: z.boolean().optional(),
  secondary_keys: Keys.optional(),
  /** Always in the prompt, whatever was said. */
  constant: z.boolean().optional(),
  position: z.union([z.enum(['before_char', 'after_char']), z.number(), Text.max(40)]).optional(),
});
export type LorebookEntry = z.infer<typeof LorebookEntry>;

export const CharacterBook = z.looseObject({
  name: Text.max(200).optional(),
  description: Text.max(2000).optional(),
  /** How many of the latest messages are scanned for keys. */
  scan_depth: z.number().int().min(0).max(1000).optional(),
  /** The most the triggered entries may take, in tokens (we count ~4 characters a token). */
  token_budget: z.number().int().min(0).max(1_000_000).optional(),
  /** Triggered entries' content is scanned too, and may trigger more. */
  recursive_scanning: z.boolean().optional(),
  extensions: Extensions.default({}),
  entries: z.array(LorebookEntry).max(1000),
});
export type CharacterBook = z.infer<typeof CharacterBook>;

/** Alternate greetings: any one of them may open a conversation instead of the greeting. */
export const AlternateGreetings = z.array(Text.trim().min(1).max(1000)).max(50);
