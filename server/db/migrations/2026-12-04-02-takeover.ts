import type { Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one.
// Live takeover: a person answers a conversation in the character's place, and their messages carry their name.
// Nullable columns without defaults: added without rewriting either table, on both dialects.
// Postgres's tipsy_store_message is unchanged: it stores visitors' messages, which have no name; a person's
// message is stored in a transaction of its own by storeMessageRow (chat/takeover.ts), on both dialects.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    // The display name of the person answering now (null: the character answers), and since when.
    await tx.schema.alterTable('conversations').addColumn('agent_name', 'text').execute();
    await tx.schema.alterTable('conversations').addColumn('taken_over_at', 'text').execute();
    // On a person's message (sender_type 'agent'): their display name as they wrote it.
    await tx.schema.alterTable('messages').addColumn('sender_name', 'text').execute();
  });
}

/** Drops the names; a person's messages stay, with sender_type 'agent' and no name. */
export async function down(db: Kysely<any>): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.schema.alterTable('messages').dropColumn('sender_name').execute();
    for (const column of ['taken_over_at', 'agent_name']) await tx.schema.alterTable('conversations').dropColumn(column).execute();
  });
}
