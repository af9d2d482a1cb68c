import type { Avatar } from '../avatars.js';
import type { CharacterRecord } from '../store.js';
import type { CharacterCard } from './card-schema.js';
import { unchangedSinceImport, type KeptCard, type OwnedField } from './kept-card.js';
import { CARD_KEYWORDS, cardChunk, plainPng, withCardChunks } from './png-chunks.js';

/**
 * A character as a Character Card V3 (`chara_card_v3`, spec_version 3.0), and for
 * `png` the image with the card inside: `ccv3` (V3) and, beside it, `chara` (the
 * same card as V2, for readers that know only V2).
 *
 * A character imported from a card starts from that card as it came (kept-card.ts):
 * every field we do not own is given back unchanged, in its order. The fields our
 * columns own are written from the columns, but only those edited since the import;
 * a column that still holds what the import set gives back the card's own value:
 *
 *   name → name; greeting → first_mes; examples → mes_example;
 *   alternate greetings → alternate_greetings; lorebook → character_book (always the
 *   stored one: kept as it came until edited);
 *   persona → description, with personality, scenario and system_prompt emptied
 *   (the persona was made of all four);
 *   accent → extensions.tipsy.accent (the rest of extensions untouched);
 *   avatar → the main icon in assets (the other assets untouched).
 */

export type CardFormat = 'json' | 'png';
export type CardSpec = 'v3' | 'v2';

export interface ExportOptions {
  /** For `png`: the image to put the card in (default: the stored avatar when it is a PNG, else a plain square in the accent). */
  image?: Buffer;
  /** The card the character was imported from. */
  kept?: KeptCard | null;
  /** The lorebook as stored (default: the record's). */
  book?: unknown;
  /** The avatar stored for the character (an imported icon). */
  avatar?: Avatar | null;
  /** `v2`: a Character Card V2 (`chara_card_v2`) instead. */
  spec?: CardSpec;
}

type Data = Record<string, unknown>;
const isObject = (value: unknown): value is Data => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields V3 requires, in the order a fresh card lists them, each with its empty value. */
const REQUIRED: [string, () => unknown][] = [
  ['name', () => ''],
  ['description', () => ''],
  ['personality', () => ''],
  ['scenario', () => ''],
  ['first_mes', () => ''],
  ['mes_example', () => ''],
  ['creator_notes', () => ''],
  ['system_prompt', () => ''],
  ['post_history_instructions', () => ''],
  ['alternate_greetings', () => []],
  ['tags', () => []],
  ['creator', () => ''],
  ['character_version', () => ''],
  ['extensions', () => ({})],
  ['group_only_greetings', () => []],
];
/** Where a fresh card puts its lorebook: after alternate_greetings. */
const FRESH_BOOK_AT = 10;

/** Fields of older specs some cards repeat at their top level: kept in step with `data` when edited. */
const TOP_LEVEL_COPIES = ['name', 'description', 'personality', 'scenario', 'first_mes', 'mes_example'];

const IMAGE_EXT = /\.(png|jpe?g|webp|gif|avif)$/i;

function mainIcon(character: CharacterRecord, avatar: Avatar | null | undefined, iconIsImage: boolean): Data | undefined {
  if (avatar && character.avatarUrl?.endsWith(`/${avatar.file}`)) {
    const ext = avatar.file.split('.')[1]!;
    const uri = iconIsImage ? 'ccdefault:' : `data:${avatar.contentType};base64,${avatar.bytes.toString('base64')}`;
    return { type: 'icon', uri, name: 'main', ext };
  }
  if (!character.avatarUrl || !/^https?:\/\//i.test(character.avatarUrl)) return undefined;
  const ext = IMAGE_EXT.exec(new URL(character.avatarUrl).pathname)?.[1]?.toLowerCase();
  return ext ? { type: 'icon', uri: character.avatarUrl, name: 'main', ext: ext === 'jpeg' ? 'jpg' : ext } : undefined;
}

function cardData(character: CharacterRecord, options: ExportOptions, iconIsImage: boolean): { data: Data; edited: Set<string> } {
  const kept = options.kept ?? undefined;
  // Not imported (no card, or only one made here to hold a nickname): a card of our own.
  const fresh = !kept || Object.keys(kept.imported).length === 0;
  const data: Data = fresh
    ? { ...Object.fromEntries(REQUIRED.map(([key, empty]) => [key, key === 'creator_notes' ? 'Exported from Tipsy Chat.' : empty()])), ...kept?.data }
    : { ...kept.data };
  const edited = new Set<string>();
  const set = (key: string, value: unknown) => {
    data[key] = value;
    edited.add(key);
  };
  const changed = (field: OwnedField, value: unknown) => !kept || !unchangedSinceImport(kept, field, value);

  if (changed('name', character.name)) set('name', character.name);
  if (changed('greeting', character.greeting)) set('first_mes', character.greeting ?? '');
  if (changed('examples', character.examples)) set('mes_example', character.examples);
  if (changed('persona', character.persona)) {
    set('description', character.persona);
    for (const key of ['personality', 'scenario', 'system_prompt']) set(key, '');
  }
  if (changed('alternateGreetings', character.alternateGreetings)) set('alternate_greetings', character.alternateGreetings);
  if (changed('accent', character.accent) || fresh) {
    const extensions = isObject(data.extensions) ? { ...data.extensions } : {};
    const tipsy: Data = { ...(fresh && { slug: character.slug }), ...(isObject(extensions.tipsy) && extensions.tipsy) };
    if (character.accent) tipsy.accent = character.accent;
    else delete tipsy.accent;
    extensions.tipsy = tipsy;
    set('extensions', extensions);
  }
  if (changed('avatarUrl', character.avatarUrl)) {
    const others = (Array.isArray(data.assets) ? data.assets : []).filter((asset) => !(isObject(asset) && asset.type === 'icon' && asset.name === 'main'));
    const icon = mainIcon(character, options.avatar, iconIsImage);
    const assets = icon ? [icon, ...others] : others;
    if (assets.length || Array.isArray(data.assets)) set('assets', assets);
  }
  if (fresh) data.creation_date = Math.floor(Date.parse(character.createdAt) / 1000);
  for (const [key, empty] of REQUIRED) if (!Object.hasOwn(data, key)) data[key] = empty();
  return { data: withBook(data, options.book === undefined ? character.characterBook : options.book, kept), edited };
}

/** The lorebook in its place: where the card had it, else after alternate_greetings. */
function withBook(data: Data, book: unknown, kept: KeptCard | undefined): Data {
  if (book === null || book === undefined) return data;
  if (Object.hasOwn(data, 'character_book')) return { ...data, character_book: book };
  const entries = Object.entries(data);
  entries.splice(kept?.bookAt ?? FRESH_BOOK_AT, 0, ['character_book', book]);
  return Object.fromEntries(entries);
}

export function exportCard(character: CharacterRecord, format: CardFormat, options: ExportOptions = {}): { card: CharacterCard; png?: Buffer } {
  const avatarImage = options.avatar?.contentType === 'image/png' && character.avatarUrl?.endsWith(`/${options.avatar.file}`) ? options.avatar.bytes : undefined;
  const image = format === 'png' ? (options.image ?? avatarImage ?? plainPng(character.accent ?? undefined)) : undefined;
  const { data, edited } = cardData(character, options, image !== undefined && image === avatarImage);
  const top = { ...(options.kept?.top ?? {}) };
  for (const key of TOP_LEVEL_COPIES) if (edited.has(key) && typeof top[key] === 'string') top[key] = data[key];
  const v3 = { ...top, spec: 'chara_card_v3', spec_version: '3.0', data } as CharacterCard;
  const v2 = { ...top, spec: 'chara_card_v2', spec_version: '2.0', data } as CharacterCard;
  const card = options.spec === 'v2' ? v2 : v3;
  if (!image) return { card };
  const chunks = [cardChunk(CARD_KEYWORDS.v2, JSON.stringify(v2)), ...(card === v3 ? [cardChunk(CARD_KEYWORDS.v3, JSON.stringify(v3))] : [])];
  return { card, png: withCardChunks(image, chunks) };
}

/** The image with the card inside: `chara` always (as V2), and `ccv3` too for a V3 card. */
export function embedCardInPng(png: Buffer, card: CharacterCard): Buffer {
  const v2 = card.spec === 'chara_card_v2' ? card : { ...card, spec: 'chara_card_v2', spec_version: '2.0' };
  return withCardChunks(png, [cardChunk(CARD_KEYWORDS.v2, JSON.stringify(v2)), ...(card.spec === 'chara_card_v3' ? [cardChunk(CARD_KEYWORDS.v3, JSON.stringify(card))] : [])]);
}
