import { readCardFile, readCardSource } from './cards/card-import.js';
import type { CharacterCard } from './cards/card-schema.js';

/**
 * Character cards (V2 and V3; JSON, PNG, CHARX), what the rest of the server
 * uses of them. The work is in cards/: card-schema (the specs), png-chunks and
 * charx (the containers), card-import, card-export, kept-card (what a character
 * keeps of its card), character-cards (in and out of the database).
 */
export { characterFromCard, type CardSource } from './cards/card-import.js';
export { embedCardInPng, exportCard, type CardFormat, type CardSpec, type ExportOptions } from './cards/card-export.js';
export { CARD_LIMITS, type CharacterCard, type CharacterCardV2, type CharacterCardV3 } from './cards/card-schema.js';
export { exportStoredCharacter, importCharacterCard } from './cards/character-cards.js';
export { plainPng } from './cards/png-chunks.js';

/** Reads a card from a file's bytes: a PNG (`ccv3`, else `chara`), a CHARX, or JSON text. */
export const parseCard = (bytes: Buffer): CharacterCard => readCardFile(bytes).card;

/** Checks a card already parsed from JSON. */
export const cardFromJson = (value: unknown): CharacterCard => readCardSource({ card: value }).card;
