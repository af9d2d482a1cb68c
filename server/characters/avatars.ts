import { createHash } from 'node:crypto';
import type { Db } from '../db/database.js';
import { nowIso } from '../ids.js';
import { TipsyError } from '../errors.js';

/**
 * Avatars taken from character cards, kept in the database and served by the
 * chat server at `/avatars/<siteId>/<sha256>.<ext>` (http/avatars.ts). Only
 * raster images are taken, told by their first bytes (never by a declared
 * type): PNG, JPEG, WebP and GIF. SVG never: it can carry scripts.
 */

export const MAX_AVATAR_BYTES = 512 * 1024;

const IMAGE_TYPES = [
  { contentType: 'image/png', ext: 'png', magic: (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { contentType: 'image/jpeg', ext: 'jpg', magic: (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { contentType: 'image/webp', ext: 'webp', magic: (b: Buffer) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
  { contentType: 'image/gif', ext: 'gif', magic: (b: Buffer) => /^GIF8[79]a$/.test(b.toString('latin1', 0, 6)) },
] as const;

export type AvatarType = (typeof IMAGE_TYPES)[number]['contentType'];

export interface Avatar {
  bytes: Buffer;
  contentType: AvatarType;
  /** `<sha256 hex>.<ext>`: the same bytes always have the same name. */
  file: string;
}

/** A path segment that can name an avatar (checked before any query). */
export const AVATAR_FILE = /^[0-9a-f]{64}\.(png|jpg|webp|gif)$/;

/** The image's type by its first bytes, or undefined when it is none we serve. */
export function sniffImage(bytes: Buffer): (typeof IMAGE_TYPES)[number] | undefined {
  return IMAGE_TYPES.find((type) => type.magic(bytes));
}

/** Image bytes as an avatar; too large, or not a PNG, JPEG, WebP or GIF: INVALID_INPUT naming `what`. */
export function avatarFromBytes(bytes: Buffer, what: string): Avatar {
  if (bytes.length > MAX_AVATAR_BYTES) throw new TipsyError('INVALID_INPUT', `${what} is larger than ${MAX_AVATAR_BYTES / 1024} KB.`);
  const type = sniffImage(bytes);
  if (!type) throw new TipsyError('INVALID_INPUT', `${what} is not a PNG, JPEG, WebP or GIF image.`);
  return { bytes, contentType: type.contentType, file: `${createHash('sha256').update(bytes).digest('hex')}.${type.ext}` };
}

/** Where the chat server serves a site's avatar. */
export const avatarPath = (siteId: string, avatar: Pick<Avatar, 'file'>): string => `/avatars/${siteId}/${avatar.file}`;

/** Gives the character this avatar (replacing any it had). */
export async function storeAvatar(db: Db, siteId: string, characterId: string, avatar: Avatar): Promise<void> {
  const row = { character_id: characterId, site_id: siteId, file: avatar.file, content_type: avatar.contentType, bytes: avatar.bytes, created_at: nowIso() };
  await db
    .insertInto('character_avatars')
    .values(row)
    .onConflict((oc) => oc.column('character_id').doUpdateSet({ file: row.file, content_type: row.content_type, bytes: row.bytes, created_at: row.created_at }))
    .execute();
}

/** The avatar served at `/avatars/<siteId>/<file>`, or undefined. */
export async function readAvatar(db: Db, siteId: string, file: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
  if (!AVATAR_FILE.test(file)) return undefined;
  const row = await db
    .selectFrom('character_avatars')
    .select(['bytes', 'content_type'])
    .where('site_id', '=', siteId)
    .where('file', '=', file)
    .limit(1)
    .executeTakeFirst();
  return row && { bytes: Buffer.from(row.bytes), contentType: row.content_type };
}

/** The character's stored avatar, when its avatar is still the one served from here. */
export async function avatarOfCharacter(db: Db, character: { id: string; site_id: string; avatar_url: string | null }): Promise<Avatar | undefined> {
  const row = await db.selectFrom('character_avatars').selectAll().where('character_id', '=', character.id).executeTakeFirst();
  if (!row || character.avatar_url !== avatarPath(character.site_id, row)) return undefined;
  return { bytes: Buffer.from(row.bytes), contentType: row.content_type as AvatarType, file: row.file };
}

/** Drops the character's stored avatar (its avatar changed to another). */
export async function dropAvatar(db: Db, characterId: string): Promise<void> {
  await db.deleteFrom('character_avatars').where('character_id', '=', characterId).execute();
}
