import type { Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one.
// What a character card carries beyond our own fields, so cards round-trip and characters run deeper.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    // JSON array of strings (server/characters/character-book.ts AlternateGreetings).
    await tx.schema.alterTable('characters').addColumn('alternate_greetings', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    // JSON lorebook (CharacterBook); null: none.
    await tx.schema.alterTable('characters').addColumn('character_book', 'text').execute();
    // JSON: the card's other fields as imported (nickname, creator_notes, tags, extensions, assets…), kept for export.
    await tx.schema.alterTable('characters').addColumn('card', 'text').execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['card', 'character_book', 'alternate_greetings']) await db.schema.alterTable('characters').dropColumn(column).execute();
}
