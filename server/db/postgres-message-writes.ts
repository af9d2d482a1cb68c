import { CompiledQuery } from 'kysely';
import type { Db } from './database.js';
import { asStored, ConversationGone, type NewMessageRow, type StoredRow } from './message-rows.js';
import type { MessageRow } from './tables.js';

/** The one statement, written once: no query to build per message. */
const STORE = 'select tipsy_store_message($1, $2, $3, $4, $5, $6) as stored';
type StoredJson = { created: boolean; row: Partial<MessageRow> };

/**
 * Stores a visitor's message on Postgres in one round trip, as its own
 * transaction: `tipsy_store_message` (migration 2026-12-03-01) does what
 * storeMessageRow does, inside the database, so the conversation's row lock
 * is held for the statement alone, not across round trips and event-loop turns.
 * A reply's row (status streaming) is stored by insertMessageRow in a transaction, as before,
 * and so is a person's message (live takeover), whose name the function does not take.
 */
export async function storePostgresMessage(db: Db, row: NewMessageRow): Promise<StoredRow> {
  // The function stores no sender_name: a person's message (live takeover) goes through storeMessageRow instead.
  if (row.sender_name) throw new Error('A named message is stored by storeMessageRow, not tipsy_store_message');
  const { rows } = await db.executeQuery<{ stored: StoredJson | null }>(
    CompiledQuery.raw(STORE, [row.id, row.conversation_id, row.sender_type, row.content, row.client_message_id, row.created_at]),
  );
  const stored = rows[0]?.stored;
  if (!stored) throw new ConversationGone();
  // Ours: only its number came back. A copy stored before: its whole row.
  return stored.created ? { row: asStored(row, stored.row.seq!), created: true } : { row: stored.row as MessageRow, created: false };
}
