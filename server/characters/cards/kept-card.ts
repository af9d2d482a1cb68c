import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseStoredJson } from '../../db/stored-json.js';

/**
 * What a character keeps of the card it was imported from (the `card` column),
 * so an export gives the card back as it came: every field, in its order, with
 * the values as they were (our own columns clip and clean some of them).
 *
 * - `top`: the card's own fields (`spec`, `spec_version`, fields of older specs),
 *   in their order, with `data` as a placeholder (`null`) where it stood.
 * - `data`: the card's `data`, less a lorebook object (kept in `character_book`, as it came).
 * - `bookAt`: where `character_book` stood among `data`'s fields.
 * - `imported`: a digest of each of our columns as the import set it. A column that
 *   still matches was not edited since, and exports the card's own value for it.
 */
/** A plain object, taken as it is: not rebuilt key by key (a rebuild could drop a `__proto__` key, or reorder). */
const PlainObject = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value));

export const KeptCard = z.object({
  top: PlainObject,
  data: PlainObject,
  bookAt: z.number().int().min(0).nullable(),
  imported: z.record(z.string(), z.string()),
});
export type KeptCard = z.infer<typeof KeptCard>;

/** The columns an export compares with what the import set (card-export.ts). */
export type OwnedField = 'name' | 'greeting' | 'persona' | 'examples' | 'accent' | 'avatarUrl' | 'alternateGreetings';

/** A short digest of a column's value (as JSON: null and '' differ). */
export const digestOf = (value: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex')
    .slice(0, 32);

export const readKeptCard = (json: string | null | undefined): KeptCard | undefined => parseStoredJson(KeptCard, json);

/** The card as it came, split for keeping: the lorebook object goes to its own column. */
export function keepCard(raw: Record<string, unknown> & { data: Record<string, unknown> }, imported: Record<OwnedField, unknown>): KeptCard {
  const dataKeys = Object.keys(raw.data);
  const bookAt = dataKeys.indexOf('character_book');
  const movesBook = bookAt >= 0 && raw.data.character_book !== null && typeof raw.data.character_book === 'object';
  return {
    // Object.fromEntries defines every key as data, a `__proto__` key in the card included.
    top: Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, key === 'data' ? null : value])),
    data: Object.fromEntries(Object.entries(raw.data).filter(([key]) => !(movesBook && key === 'character_book'))),
    bookAt: movesBook ? bookAt : null,
    imported: Object.fromEntries(Object.entries(imported).map(([field, value]) => [field, digestOf(value)])),
  };
}

/** Whether a column still holds what the import set. */
export const unchangedSinceImport = (kept: KeptCard, field: OwnedField, current: unknown): boolean =>
  kept.imported[field] !== undefined && kept.imported[field] === digestOf(current);
