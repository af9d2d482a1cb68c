import { crc32, deflateSync } from 'node:zlib';
import { z } from 'zod';
import { TipsyError } from '../errors.js';
import { assertJsonBounds, type JsonBounds } from '../json-bounds.js';
import { isAccent } from '../protocol/character.js';
import { clip, LineText, Text } from '../text.js';
import { CharacterInput, slugify } from './inputs.js';
import type { CharacterRecord } from './store.js';

/**
 * The community's Character Card V2 (`chara_card_v2`), as JSON or embedded in
 * a PNG's `chara` text chunk (base64 JSON), so existing cards work as they are.
 */
const text = Text.max(20_000).optional();
export const CharacterCardV2 = z.object({
  spec: z.literal('chara_card_v2'),
  spec_version: Text.max(10).optional(),
  data: z.looseObject({
    name: LineText.trim().min(1).max(80),
    description: text,
    personality: text,
    scenario: text,
    first_mes: text,
    mes_example: text,
    system_prompt: text,
    creator_notes: text,
    tags: z.array(Text.max(100)).max(100).optional(),
    creator: Text.max(200).optional(),
    character_version: Text.max(100).optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type CharacterCardV2 = z.infer<typeof CharacterCardV2>;

/** What our character keeps of a card, checked like any other character. */
export function characterFromCard(card: CharacterCardV2, slug?: string): CharacterInput {
  const parsed = CharacterInput.safeParse(characterFieldsFromCard(card, slug));
  if (!parsed.success) throw new TipsyError('INVALID_INPUT', `This card cannot be a character: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function characterFieldsFromCard(card: CharacterCardV2, slug?: string): CharacterInput {
  const d = card.data;
  const persona = [d.system_prompt, d.description, d.personality && `Personality: ${d.personality}`, d.scenario && `Scenario: ${d.scenario}`]
    .filter((part): part is string => !!part?.trim())
    .join('\n\n')
    .replaceAll('{{char}}', d.name);
  const accent = (d.extensions?.tipsy as { accent?: unknown } | undefined)?.accent;
  return {
    slug: slug ?? slugify(d.name),
    name: d.name,
    ...(d.first_mes?.trim() && { greeting: clip(d.first_mes.trim().replaceAll('{{char}}', d.name), 1000) }),
    ...(persona && { persona: clip(persona, 8000) }),
    ...(d.mes_example?.trim() && { examples: clip(d.mes_example.trim(), 8000) }),
    ...(isAccent(accent) && { accent }),
  };
}

function cardFromCharacter(character: CharacterRecord): CharacterCardV2 {
  return {
    spec: 'chara_card_v2',
    spec_version: '2.0',
    data: {
      name: character.name,
      description: character.persona,
      personality: '',
      scenario: '',
      first_mes: character.greeting ?? '',
      mes_example: character.examples,
      creator_notes: 'Exported from Tipsy Chat.',
      system_prompt: '',
      tags: [],
      creator: '',
      character_version: '',
      extensions: { tipsy: { slug: character.slug, ...(character.accent && { accent: character.accent }) } },
    },
  };
}

export type CardFormat = 'json' | 'png';

/**
 * A character as a Character Card V2, and for `png` the image with the card inside:
 * `image` when given, else a plain square in the character's accent. Every transport
 * that exports (the admin API, the CLI) asks this.
 */
export function exportCard(character: CharacterRecord, format: CardFormat, image?: Buffer): { card: CharacterCardV2; png?: Buffer } {
  const card = cardFromCharacter(character);
  if (format === 'json') return { card };
  return { card, png: embedCardInPng(image ?? plainPng(character.accent ?? undefined), card) };
}

/** Real cards nest a few levels (extensions, lorebooks); these bounds leave them ample room. */
const CARD_BOUNDS: JsonBounds = { maxDepth: 64, maxNodes: 100_000 };

/** Reads a card from JSON text or a PNG. */
export function parseCard(bytes: Buffer): CharacterCardV2 {
  const json = isPng(bytes) ? cardJsonFromPng(bytes) : bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new TipsyError('INVALID_INPUT', 'The card is not valid JSON.');
  }
  return cardFromJson(value);
}

/** Checks a card already parsed from JSON; its size and depth are bounded before anything walks it. */
export function cardFromJson(value: unknown): CharacterCardV2 {
  assertJsonBounds(value, CARD_BOUNDS, 'The card');
  const parsed = CharacterCardV2.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const claimsV2 = (value as { spec?: unknown } | null)?.spec === 'chara_card_v2';
  if (!claimsV2 || !issue) throw new TipsyError('INVALID_INPUT', 'This is not a Character Card V2 (chara_card_v2).');
  throw new TipsyError('INVALID_INPUT', `This card cannot be read: ${issue.path.join('.')}: ${issue.message}`);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isPng = (bytes: Buffer) => bytes.subarray(0, 8).equals(PNG_SIGNATURE);

interface Chunk {
  type: string;
  data: Buffer;
}

function readChunks(png: Buffer): Chunk[] {
  if (!isPng(png)) throw new TipsyError('INVALID_INPUT', 'Not a PNG file.');
  const chunks: Chunk[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    if (at + 12 + length > png.length) throw new TipsyError('INVALID_INPUT', 'The PNG file is truncated.');
    chunks.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function cardJsonFromPng(png: Buffer): string {
  for (const { type, data } of readChunks(png)) {
    if (type !== 'tEXt') continue;
    const nul = data.indexOf(0);
    if (data.toString('latin1', 0, nul) === 'chara') return Buffer.from(data.toString('latin1', nul + 1), 'base64').toString('utf8');
  }
  throw new TipsyError('INVALID_INPUT', 'This PNG holds no character card (no "chara" text chunk).');
}

/** The image with the card in its `chara` chunk (any earlier card replaced). */
export function embedCardInPng(png: Buffer, card: CharacterCardV2): Buffer {
  const kept = readChunks(png).filter((c) => !(c.type === 'tEXt' && c.data.toString('latin1', 0, 6) === 'chara\0'));
  const cardChunk = chunk('tEXt', Buffer.concat([Buffer.from('chara\0', 'latin1'), Buffer.from(Buffer.from(JSON.stringify(card)).toString('base64'), 'latin1')]));
  const end = kept.findIndex((c) => c.type === 'IEND');
  const parts = kept.map((c) => chunk(c.type, c.data));
  parts.splice(end < 0 ? parts.length : end, 0, cardChunk);
  return Buffer.concat([PNG_SIGNATURE, ...parts]);
}

/** A plain square in the character's colour, for a card exported without an image. */
export function plainPng(hex = '#c2410c', size = 64): Buffer {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(full.slice(i, i + 2), 16));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => [r!, g!, b!]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
