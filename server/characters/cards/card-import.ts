import { TipsyError } from '../../errors.js';
import { isAccent } from '../../protocol/character.js';
import { clip } from '../../text.js';
import { avatarFromBytes, avatarPath, MAX_AVATAR_BYTES, sniffImage, type Avatar } from '../avatars.js';
import { AlternateGreetings, CharacterBook } from '../character-book.js';
import { CharacterInput, slugify } from '../inputs.js';
import { readCardJson, readCardValue, type CardData, type CharacterCard, type ReadCard } from './card-schema.js';
import { Charx, isZip } from './charx.js';
import { keepCard, type KeptCard } from './kept-card.js';
import { decodeBase64 } from './base64.js';
import { cardJsonFromPng, imageWithoutCard, isPng, readPngChunks } from './png-chunks.js';

/**
 * Reading a card (V2 or V3; JSON, PNG or CHARX) into a character: our columns
 * from its fields, its lorebook and alternate greetings checked, its avatar
 * taken from its main icon, and the card itself kept for export (kept-card.ts).
 */

/** Where a card came from: what else in the file its assets may point to. */
export type CardContainer = { kind: 'json' } | { kind: 'png'; png: Buffer } | { kind: 'charx'; charx: Charx };

export interface CardFile extends ReadCard {
  container: CardContainer;
}

/** A card as it arrived: its JSON value, or a file's bytes (PNG, CHARX or JSON text). */
export type CardSource = { card: unknown } | { bytes: Buffer };

/** Reads a card file, told by its first bytes: PNG, CHARX (zip) or JSON text. */
export function readCardFile(bytes: Buffer): CardFile {
  if (isPng(bytes)) return { ...readCardJson(cardJsonFromPng(readPngChunks(bytes))), container: { kind: 'png', png: bytes } };
  if (isZip(bytes)) {
    const charx = Charx.read(bytes);
    return { ...readCardJson(charx.cardJson()), container: { kind: 'charx', charx } };
  }
  return { ...readCardJson(bytes.toString('utf8').replace(/^\uFEFF/, '')), container: { kind: 'json' } };
}

export const readCardSource = (source: CardSource): CardFile =>
  'bytes' in source ? readCardFile(source.bytes) : { ...readCardValue(source.card ?? null), container: { kind: 'json' } };

/** The name `{{char}}` stands for: V3's nickname when the card has one. */
const charName = (d: CardData) => d.nickname?.trim() || d.name;

/** Our persona: the card's system prompt, description, personality and scenario, `{{char}}` replaced. */
export function personaOf(d: CardData): string {
  const persona = [d.system_prompt, d.description, d.personality && `Personality: ${d.personality}`, d.scenario && `Scenario: ${d.scenario}`]
    .filter((part): part is string => !!part?.trim())
    .join('\n\n')
    .replaceAll('{{char}}', charName(d));
  return clip(persona, 8000);
}

/** Alternate greetings as we keep them: trimmed, empty ones dropped, each clipped, at most 50. */
function alternateGreetingsOf(d: CardData): string[] {
  const greetings = (d.alternate_greetings ?? [])
    .map((greeting) => clip(greeting.trim(), 1000).trim())
    .filter(Boolean)
    .slice(0, 50);
  return AlternateGreetings.parse(greetings);
}

/** What our character keeps of a card, checked like any other character. */
export function characterFromCard(card: CharacterCard, slug?: string): CharacterInput {
  const d = card.data;
  const persona = personaOf(d);
  const accent = (d.extensions?.tipsy as { accent?: unknown } | undefined)?.accent;
  const alternateGreetings = alternateGreetingsOf(d);
  const fields = {
    slug: slug ?? slugify(d.name),
    name: clip(d.name, 80).trim(),
    ...(d.first_mes?.trim() && { greeting: clip(d.first_mes.trim().replaceAll('{{char}}', charName(d)), 1000) }),
    ...(persona && { persona }),
    ...(d.mes_example?.trim() && { examples: clip(d.mes_example.trim(), 8000) }),
    ...(isAccent(accent) && { accent }),
    ...(alternateGreetings.length && { alternateGreetings }),
  };
  const parsed = CharacterInput.safeParse(fields);
  if (!parsed.success) throw new TipsyError('INVALID_INPUT', `This card cannot be a character: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** The card's lorebook, checked (its errors name the entry), or null. */
function lorebookOf(d: CardData): unknown {
  if (d.character_book === undefined || d.character_book === null) return null;
  const parsed = CharacterBook.safeParse(d.character_book);
  if (parsed.success) return d.character_book; // kept as it came: the schema's defaults are applied when it is read
  const issue = parsed.error.issues[0];
  throw new TipsyError('INVALID_INPUT', `This card's lorebook cannot be used: character_book.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
}

const DATA_URI = /^data:([\w.+-]+\/[\w.+-]+)((?:;[\w.+-]+=[\w.+-]+)*);base64,/i;
const RASTER_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/webp', 'image/gif']);

function avatarFromDataUri(uri: string): Avatar {
  const head = DATA_URI.exec(uri);
  if (!head || !RASTER_TYPES.has(head[1]!.toLowerCase())) {
    throw new TipsyError('INVALID_INPUT', 'The card’s main icon must be a base64 data URI of a PNG, JPEG, WebP or GIF image.');
  }
  const base64 = uri.slice(head[0].length);
  if (base64.length > Math.ceil(MAX_AVATAR_BYTES / 3) * 4 + 4) throw new TipsyError('INVALID_INPUT', `The card’s main icon is larger than ${MAX_AVATAR_BYTES / 1024} KB.`);
  return avatarFromBytes(decodeBase64(base64, 'The card’s main icon'), 'The card’s main icon');
}

/**
 * The card's avatar: its main icon when the file carries it (a data URI, a CHARX
 * entry), else the PNG the card came in (as `ccdefault:` says, and as PNG cards
 * have always been their character's picture). A remote icon (http, https) is
 * never fetched: it stays in the card. The card's own PNG is taken only within
 * the avatar size limit; an icon the file carries but that is too large or no
 * image is refused.
 */
function avatarOf(d: CardData, container: CardContainer): Avatar | undefined {
  const icons = (d.assets ?? []).filter((asset) => asset.type === 'icon');
  const icon = icons.find((asset) => asset.name === 'main') ?? icons[0];
  const uri = icon?.uri.trim() ?? 'ccdefault:';
  if (/^data:/i.test(uri)) return avatarFromDataUri(uri);
  const embedded = /^embedd?ed:\/\/(.+)$/i.exec(uri)?.[1];
  if (embedded !== undefined && container.kind === 'charx') {
    return avatarFromBytes(container.charx.file(embedded, MAX_AVATAR_BYTES), 'The card’s main icon');
  }
  if (container.kind === 'png') {
    const image = imageWithoutCard(container.png);
    return image.length <= MAX_AVATAR_BYTES && sniffImage(image) ? avatarFromBytes(image, 'The card’s image') : undefined;
  }
  return undefined;
}

/** Everything an import stores: the character, its lorebook as it came, its avatar, and the card kept for export. */
export interface ImportedCard {
  input: CharacterInput;
  /** The lorebook's JSON, as the card had it; null: none. */
  characterBookJson: string | null;
  avatar?: Avatar;
  kept: KeptCard;
}

export function importedCharacter(file: CardFile, siteId: string, slug?: string): ImportedCard {
  const d = file.card.data;
  const book = lorebookOf(d);
  const avatar = avatarOf(d, file.container);
  const base = characterFromCard(file.card, slug);
  const input = { ...base, ...(avatar && { avatarUrl: avatarPath(siteId, avatar) }) };
  const kept = keepCard(file.raw, {
    name: input.name,
    greeting: input.greeting ?? null,
    persona: input.persona ?? '',
    examples: input.examples ?? '',
    accent: input.accent ?? null,
    avatarUrl: input.avatarUrl ?? null,
    alternateGreetings: input.alternateGreetings ?? [],
  });
  return { input, characterBookJson: book === null ? null : JSON.stringify(book), ...(avatar && { avatar }), kept };
}
