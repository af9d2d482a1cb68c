import { z } from 'zod';
import { CharacterSlug } from '../characters/inputs.js';
import { Text } from '../text.js';

/** A day (`2026-12-04`, a UTC day) or an instant with its offset (`2026-12-04T09:30:00+01:00`). */
const DateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'A date is YYYY-MM-DD or an ISO date and time with its offset (2026-12-04T09:30:00Z).',
});

/**
 * What the site owner's search narrows `admin.conversations.list` to: each filter optional,
 * all given ones applied together. Merged into the list's input (conversation-search.ts applies them).
 */
export const ConversationFilters = z.object({
  /** Words any message of the conversation holds: a plain substring, letter case aside (ASCII only on SQLite). */
  query: Text.trim().min(1).max(200).optional(),
  /** The character's slug. */
  character: CharacterSlug.optional(),
  /** Conversations started at or after this (a date: from that UTC day's start). */
  from: DateOrDateTime.optional(),
  /** Conversations started at or before this (a date: to that UTC day's end). */
  to: DateOrDateTime.optional(),
});
export type ConversationFilters = z.infer<typeof ConversationFilters>;
