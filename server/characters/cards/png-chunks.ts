import { crc32, deflateSync } from 'node:zlib';
import { TipsyError } from '../../errors.js';
import { decodeBase64Text } from './base64.js';
import { CARD_LIMITS } from './card-schema.js';

/**
 * The PNG side of cards: a card is base64 JSON in a `tEXt` chunk, `chara` for
 * V2 and `ccv3` for V3. Reading checks the whole file's structure (signature,
 * lengths, every chunk's CRC, IHDR first, IEND last) and bounds what it decodes;
 * a damaged file is refused rather than half read.
 */

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const isPng = (bytes: Buffer): boolean => bytes.subarray(0, 8).equals(PNG_SIGNATURE);

/** The text chunk keywords cards use (compared lowercased, as SillyTavern does). */
export const CARD_KEYWORDS = { v2: 'chara', v3: 'ccv3' } as const;

/** Big images come in many IDAT chunks; no real one needs more than this. */
const MAX_CHUNKS = 100_000;
/** The base64 text of a card chunk, at most: the card's JSON limit, encoded. */
const MAX_CARD_BASE64 = Math.ceil(CARD_LIMITS.jsonBytes / 3) * 4;

export interface Chunk {
  type: string;
  data: Buffer;
}

const broken = (why: string) => new TipsyError('INVALID_INPUT', `The PNG file is damaged: ${why}.`);

export function readPngChunks(png: Buffer): Chunk[] {
  if (png.length > CARD_LIMITS.fileBytes) throw new TipsyError('INVALID_INPUT', `The PNG file is larger than ${CARD_LIMITS.fileBytes / 1024 / 1024} MB.`);
  if (!isPng(png)) throw new TipsyError('INVALID_INPUT', 'Not a PNG file.');
  const chunks: Chunk[] = [];
  let at = 8;
  while (true) {
    if (at + 12 > png.length) throw broken('it is truncated (it does not end with IEND)');
    const length = png.readUInt32BE(at);
    if (length > 0x7fffffff || at + 12 + length > png.length) throw broken('it is truncated');
    const type = png.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw broken('a chunk has no valid type');
    const data = png.subarray(at + 8, at + 8 + length);
    if ((crc32(png.subarray(at + 4, at + 8 + length)) >>> 0) !== png.readUInt32BE(at + 8 + length)) throw broken(`its ${type} chunk fails its CRC check`);
    if (chunks.length === 0 && type !== 'IHDR') throw broken('it does not start with IHDR');
    chunks.push({ type, data });
    if (chunks.length > MAX_CHUNKS) throw broken(`it has more than ${MAX_CHUNKS} chunks`);
    at += 12 + length;
    if (type === 'IEND') return chunks;
  }
}

/** A `tEXt` chunk's keyword (lowercased) and text, or undefined for another chunk. */
function textChunk(chunk: Chunk): { keyword: string; text: Buffer } | undefined {
  if (chunk.type !== 'tEXt') return undefined;
  const nul = chunk.data.indexOf(0);
  if (nul < 1 || nul > 79) return undefined;
  return { keyword: chunk.data.toString('latin1', 0, nul).toLowerCase(), text: chunk.data.subarray(nul + 1) };
}

const isCardChunk = (chunk: Chunk) => {
  const keyword = textChunk(chunk)?.keyword;
  return keyword === CARD_KEYWORDS.v2 || keyword === CARD_KEYWORDS.v3;
};

/** The card JSON a PNG holds: its `ccv3` chunk (V3) when it has one, else its `chara` chunk (V2). */
export function cardJsonFromPng(chunks: Chunk[]): string {
  const texts = chunks.map(textChunk);
  const found = texts.find((t) => t?.keyword === CARD_KEYWORDS.v3) ?? texts.find((t) => t?.keyword === CARD_KEYWORDS.v2);
  if (!found) throw new TipsyError('INVALID_INPUT', 'This PNG holds no character card (no "ccv3" or "chara" text chunk).');
  if (found.text.length > MAX_CARD_BASE64) throw new TipsyError('INVALID_INPUT', `The card in this PNG is larger than ${CARD_LIMITS.jsonBytes / 1024 / 1024} MB.`);
  return decodeBase64Text(found.text.toString('latin1'), `The "${found.keyword}" chunk`);
}

function encodeChunk({ type, data }: Chunk): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

export const cardChunk = (keyword: string, json: string): Chunk => ({
  type: 'tEXt',
  data: Buffer.concat([Buffer.from(`${keyword}\0`, 'latin1'), Buffer.from(Buffer.from(json).toString('base64'), 'latin1')]),
});

/** The image with the given chunks just before IEND, and any card chunks it held before removed. */
export function withCardChunks(png: Buffer, added: Chunk[]): Buffer {
  const kept = readPngChunks(png).filter((chunk) => !isCardChunk(chunk));
  const end = kept.findIndex((chunk) => chunk.type === 'IEND');
  kept.splice(end, 0, ...added);
  return Buffer.concat([PNG_SIGNATURE, ...kept.map(encodeChunk)]);
}

/** The image alone: a card's PNG without its card chunks (what an avatar shows). */
export const imageWithoutCard = (png: Buffer): Buffer => withCardChunks(png, []);

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
  const chunks: Chunk[] = [
    { type: 'IHDR', data: header },
    { type: 'IDAT', data: pixels },
    { type: 'IEND', data: Buffer.alloc(0) },
  ];
  return Buffer.concat([PNG_SIGNATURE, ...chunks.map(encodeChunk)]);
}
