import type { Db } from '../../db/database.js';
import { avatarOfCharacter, storeAvatar } from '../avatars.js';
import { characterBookOf } from '../character-extras.js';
import { createCharacterRow, findOwnedCharacter, toCharacterRecord, type CharacterRecord } from '../store.js';
import { exportCard, type CardFormat, type CardSpec } from './card-export.js';
import { importedCharacter, readCardSource, type CardSource } from './card-import.js';
import { readKeptCard } from './kept-card.js';
import type { CharacterCard } from './card-schema.js';

/**
 * Cards in and out of the database, for every transport (the admin API, the CLI):
 * an import stores the character, its lorebook, its avatar and the card in one
 * transaction, so a card refused half-way changes nothing.
 */

export async function importCharacterCard(db: Db, siteId: string, source: CardSource, slug?: string): Promise<CharacterRecord> {
  const imported = importedCharacter(readCardSource(source), siteId, slug);
  return db.transaction().execute(async (tx) => {
    const row = await createCharacterRow(tx, siteId, imported.input, { card: JSON.stringify(imported.kept), characterBookJson: imported.characterBookJson });
    if (imported.avatar) await storeAvatar(tx, siteId, row.id, imported.avatar);
    return toCharacterRecord(row);
  });
}

export async function exportStoredCharacter(
  db: Db,
  siteId: string,
  slug: string,
  format: CardFormat,
  options: { image?: Buffer; spec?: CardSpec } = {},
): Promise<{ card: CharacterCard; png?: Buffer }> {
  const row = await findOwnedCharacter(db, siteId, slug); // never a draft
  // The lorebook as stored (as it came from a card, until edited), when it still reads as one.
  const book = characterBookOf(row) && (JSON.parse(row.character_book!) as unknown);
  return exportCard(toCharacterRecord(row), format, {
    ...options,
    kept: readKeptCard(row.card) ?? null,
    book: book ?? null,
    avatar: (await avatarOfCharacter(db, row)) ?? null,
  });
}
