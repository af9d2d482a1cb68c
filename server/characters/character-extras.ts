import type { CharacterRow } from '../db/tables.js';
import { parseStoredJson } from '../db/stored-json.js';
import { readKeptCard } from './cards/kept-card.js';
import { AlternateGreetings, CharacterBook } from './character-book.js';

/**
 * A character's lorebook, read from its JSON column. Stored JSON that no longer
 * parses or validates reads as none: a bad book must not stop replies.
 */
export function characterBookOf(row: Pick<CharacterRow, 'character_book'>): CharacterBook | null {
  return parseStoredJson(CharacterBook, row.character_book) ?? null;
}

/** A character's alternate greetings, read defensively like the lorebook (bad JSON reads as none). */
export function alternateGreetingsOf(row: Pick<CharacterRow, 'alternate_greetings'>): string[] {
  return parseStoredJson(AlternateGreetings, row.alternate_greetings) ?? [];
}

/** The name `{{char}}` stands for in the character's card (V3 `nickname`), or null: its name. */
export function nicknameOf(row: Pick<CharacterRow, 'card'>): string | null {
  const nickname = readKeptCard(row.card)?.data.nickname;
  return typeof nickname === 'string' && nickname.trim() ? nickname : null;
}
