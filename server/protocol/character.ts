/** What a visitor's page may know of a character. */
export interface CharacterView {
  slug: string;
  name: string;
  avatarUrl?: string;
  greeting?: string;
  /** A CSS hex colour the widget may use for its accent (see isAccent). */
  accent?: string;
}

/**
 * The accent rule, in one place: a CSS hex colour `#rgb` or `#rrggbb`, and nothing
 * else, since it goes into the widget's styles. The character schema, the card
 * reader and the widget all ask this; a pure function, no zod, so the widget may import it.
 */
export const ACCENT_PATTERN = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export const isAccent = (value: unknown): value is string => typeof value === 'string' && ACCENT_PATTERN.test(value);
