import { z } from 'zod';
import { TipsyError } from '../../errors.js';
import { assertJsonBounds, type JsonBounds } from '../../json-bounds.js';
import { LineText, Text } from '../../text.js';

/**
 * Character Card V2 (`chara_card_v2`) and V3 (`chara_card_v3`), as the community
 * writes them. The objects are loose: fields we do not know are kept, and the card
 * is stored as it came (kept-card.ts), so an export gives them back unchanged.
 * Only the fields we read are checked, and every size is bounded.
 */

/** How large a card may be, wherever it comes from. */
export const CARD_LIMITS = {
  /** A card file (PNG, JSON or CHARX) as read from disk. */
  fileBytes: 16 * 1024 * 1024,
  /** A card's JSON text (decoded from a PNG chunk, or unpacked from a CHARX). */
  jsonBytes: 8 * 1024 * 1024,
  /** Real cards nest a few levels (extensions, lorebooks); these bounds leave them ample room. */
  json: { maxDepth: 64, maxNodes: 100_000 } satisfies JsonBounds,
} as const;

/** Long fields: kept as they came (our persona takes at most 8,000 characters of them). */
const LongText = Text.max(100_000).optional();
const ShortText = Text.max(200).optional();
const Extensions = z.record(z.string(), z.unknown());

/** A V3 asset: an image or sound the card carries or points to (`uri`: a data URI, `embeded://…`, `ccdefault:`, http(s)). */
export const CardAsset = z.looseObject({
  type: Text.max(100),
  uri: Text.max(CARD_LIMITS.jsonBytes),
  name: Text.max(200),
  ext: Text.max(20),
});
export type CardAsset = z.infer<typeof CardAsset>;

/** A card's `data`: V2's fields, and V3's additions (all optional: cards in the wild omit many). */
export const CardData = z.looseObject({
  name: LineText.trim().min(1).max(200),
  description: LongText,
  personality: LongText,
  scenario: LongText,
  first_mes: LongText,
  mes_example: LongText,
  creator_notes: LongText,
  system_prompt: LongText,
  post_history_instructions: LongText,
  /** Checked and stored by card-import.ts (AlternateGreetings, after trimming and clipping). */
  alternate_greetings: z.array(Text.max(100_000)).max(1000).optional(),
  /** Checked with CharacterBook by card-import.ts, so its errors name the entry. */
  character_book: z.unknown().optional(),
  tags: z.array(Text.max(200)).max(1000).optional(),
  creator: ShortText,
  character_version: ShortText,
  extensions: Extensions.optional(),
  // V3
  nickname: ShortText,
  creator_notes_multilingual: z.record(z.string(), Text.max(100_000)).optional(),
  source: z.array(Text.max(2000)).max(100).optional(),
  group_only_greetings: z.array(Text.max(100_000)).max(1000).optional(),
  creation_date: z.number().finite().optional(),
  modification_date: z.number().finite().optional(),
  assets: z.array(CardAsset).max(1000).optional(),
});
export type CardData = z.infer<typeof CardData>;

export const CharacterCardV2 = z.looseObject({
  spec: z.literal('chara_card_v2'),
  spec_version: Text.max(10).optional(),
  data: CardData,
});
export type CharacterCardV2 = z.infer<typeof CharacterCardV2>;

export const CharacterCardV3 = z.looseObject({
  spec: z.literal('chara_card_v3'),
  spec_version: Text.max(10).optional(),
  data: CardData,
});
export type CharacterCardV3 = z.infer<typeof CharacterCardV3>;

export const CharacterCard = z.discriminatedUnion('spec', [CharacterCardV2, CharacterCardV3]);
export type CharacterCard = z.infer<typeof CharacterCard>;

/** A card as checked, and the same card as it came (what is stored and exported back). */
export interface ReadCard {
  card: CharacterCard;
  raw: Record<string, unknown> & { data: Record<string, unknown> };
}

/** Checks a card already parsed from JSON; its size and depth are bounded before anything walks it. */
export function readCardValue(value: unknown): ReadCard {
  assertJsonBounds(value, CARD_LIMITS.json, 'The card');
  const spec = (value as { spec?: unknown } | null)?.spec;
  if (spec !== 'chara_card_v2' && spec !== 'chara_card_v3') {
    throw new TipsyError('INVALID_INPUT', 'This is not a Character Card V2 or V3 (spec "chara_card_v2" or "chara_card_v3").');
  }
  const parsed = CharacterCard.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TipsyError('INVALID_INPUT', `This card cannot be read: ${issue?.path.join('.') || 'card'}: ${issue?.message ?? 'invalid'}`);
  }
  return { card: parsed.data, raw: value as ReadCard['raw'] };
}

/** Reads a card from its JSON text (bounded in size before it is parsed). */
export function readCardJson(json: string): ReadCard {
  if (Buffer.byteLength(json) > CARD_LIMITS.jsonBytes) {
    throw new TipsyError('INVALID_INPUT', `The card is larger than ${CARD_LIMITS.jsonBytes / 1024 / 1024} MB of JSON.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new TipsyError('INVALID_INPUT', 'The card is not valid JSON.');
  }
  return readCardValue(value);
}
