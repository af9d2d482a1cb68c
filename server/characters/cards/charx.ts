import { inflateRawSync } from 'node:zlib';
import { TipsyError } from '../../errors.js';
import { CARD_LIMITS } from './card-schema.js';

/**
 * CHARX (Character Card V3's zip): `card.json` at the root and the assets it
 * names as `embeded://<path>`. Only what the card needs is ever unpacked, one
 * entry at a time, each with a ceiling on its unpacked size (`maxOutputLength`):
 * a zip bomb stops at the ceiling, whatever its headers claim. Encrypted, ZIP64
 * and multi-disk archives, and methods other than stored and deflate, are refused.
 */

export const isZip = (bytes: Buffer): boolean => bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** The end record is 22 bytes, followed by a comment of at most 65,535. */
const END_SEARCH = 22 + 0xffff;
const MAX_ENTRIES = 10_000;

interface Entry {
  method: number;
  compressedSize: number;
  localHeaderAt: number;
}

const damaged = (why: string) => new TipsyError('INVALID_INPUT', `The CHARX file is damaged: ${why}.`);

export class Charx {
  private constructor(
    private readonly zip: Buffer,
    private readonly entries: Map<string, Entry>,
  ) {}

  static read(zip: Buffer): Charx {
    if (zip.length > CARD_LIMITS.fileBytes) throw new TipsyError('INVALID_INPUT', `The CHARX file is larger than ${CARD_LIMITS.fileBytes / 1024 / 1024} MB.`);
    let end = -1;
    for (let at = zip.length - 22; at >= Math.max(0, zip.length - END_SEARCH); at--) {
      if (zip.readUInt32LE(at) === END_OF_DIRECTORY) {
        end = at;
        break;
      }
    }
    if (end < 0) throw damaged('it has no zip directory');
    const count = zip.readUInt16LE(end + 10);
    const size = zip.readUInt32LE(end + 12);
    const offset = zip.readUInt32LE(end + 16);
    if (zip.readUInt16LE(end + 4) !== 0 || zip.readUInt16LE(end + 6) !== 0) throw damaged('it spans several disks');
    if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw damaged('ZIP64 archives are not supported');
    if (count > MAX_ENTRIES) throw damaged(`it holds more than ${MAX_ENTRIES} files`);
    if (offset + size > end) throw damaged('its directory lies outside the file');

    const entries = new Map<string, Entry>();
    for (let at = offset, i = 0; i < count; i++) {
      if (at + 46 > end || zip.readUInt32LE(at) !== DIRECTORY_ENTRY) throw damaged('its directory is broken');
      const flags = zip.readUInt16LE(at + 8);
      const method = zip.readUInt16LE(at + 10);
      const compressedSize = zip.readUInt32LE(at + 20);
      const nameLength = zip.readUInt16LE(at + 28);
      const skip = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
      const localHeaderAt = zip.readUInt32LE(at + 42);
      if (at + 46 + nameLength > end) throw damaged('its directory is broken');
      const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
      if (flags & 1) throw damaged(`"${name}" is encrypted`);
      if (!entries.has(name)) entries.set(name, { method, compressedSize, localHeaderAt });
      at += 46 + nameLength + skip;
    }
    return new Charx(zip, entries);
  }

  /** An entry's bytes, unpacked, or a clear refusal when they would pass `maxBytes`. */
  file(path: string, maxBytes: number): Buffer {
    const what = `"${path}"`;
    const entry = this.entries.get(path);
    if (!entry) throw new TipsyError('INVALID_INPUT', `The CHARX file has no ${what}.`);
    const at = entry.localHeaderAt;
    if (at + 30 > this.zip.length || this.zip.readUInt32LE(at) !== LOCAL_HEADER) throw damaged(`the header of ${what} is broken`);
    const start = at + 30 + this.zip.readUInt16LE(at + 26) + this.zip.readUInt16LE(at + 28);
    if (start + entry.compressedSize > this.zip.length) throw damaged(`${what} is truncated`);
    const packed = this.zip.subarray(start, start + entry.compressedSize);
    const tooLarge = () => new TipsyError('INVALID_INPUT', `${what} in the CHARX file is larger than ${Math.floor(maxBytes / 1024)} KB unpacked.`);
    if (entry.method === 0) {
      if (packed.length > maxBytes) throw tooLarge();
      return packed;
    }
    if (entry.method !== 8) throw damaged(`${what} is packed with a method other than stored or deflate`);
    try {
      return inflateRawSync(packed, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw tooLarge();
      throw damaged(`${what} cannot be unpacked`);
    }
  }

  /** `card.json`, as UTF-8 text. */
  cardJson(): string {
    const bytes = this.file('card.json', CARD_LIMITS.jsonBytes);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new TipsyError('INVALID_INPUT', 'card.json in the CHARX file is not UTF-8 text.');
    }
  }
}
