import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { newId, nowIso } from '../ids.js';
import type { Message } from '../protocol/message.js';
import { insertMessage, toMessage } from './messages.js';

/**
 * A reply is stored from its first moment (status `streaming`), its text saved
 * as it grows, and closed as `complete` or `interrupted`. So a client that
 * reconnects mid-reply finds it in history, and a crash leaves what was said,
 * never a half-written row that claims to be whole.
 */
export async function beginReply(db: Db, conversationId: string, firstWords: string): Promise<Message> {
  return db.transaction().execute(async (tx) => {
    const now = nowIso();
    const row = await insertMessage(tx, {
      id: newId(),
      conversation_id: conversationId,
      sender_type: 'character',
      content: firstWords,
      client_message_id: null,
      status: 'streaming',
      chunks: 1,
      created_at: now,
      updated_at: now,
    });
    return toMessage(row);
  });
}

/** Saves the text so far (also a heartbeat: a streaming row that stops being saved belongs to a dead process). */
export async function saveReplyProgress(db: Db, id: string, content: string, chunks: number): Promise<void> {
  await db
    .updateTable('messages')
    .set({ content, chunks, updated_at: nowIso() })
    .where('id', '=', id)
    .where('status', '=', 'streaming')
    .execute();
}

/**
 * Closes a reply; one that said nothing at all is removed. Returns the stored message, if any.
 * With `atSeq` (a new version of a message), only while the message still stands at that seq.
 */
export async function finishReply(
  db: Db,
  id: string,
  content: string,
  chunks: number,
  status: 'complete' | 'interrupted' | 'failed',
  atSeq?: number,
): Promise<Message | null> {
  if (!content.trim()) {
    await db.deleteFrom('messages').where('id', '=', id).execute();
    return null;
  }
  let update = db.updateTable('messages').set({ content, chunks, status, updated_at: nowIso() }).where('id', '=', id);
  if (atSeq !== undefined) update = update.where('seq', '=', atSeq);
  const row = await update.returningAll().executeTakeFirst();
  return row ? toMessage(row) : null;
}

/** Marks replies whose process stopped saving them (a crash, a kill) as interrupted, keeping their text. */
export async function interruptStaleReplies(db: Db, staleBefore: Date): Promise<Message[]> {
  const rows = await db
    .updateTable('messages')
    .set({ status: 'interrupted' })
    // A literal, not a parameter: SQLite uses the partial index on streaming replies only when it sees one.
    .where('status', '=', sql.lit('streaming'))
    .where('updated_at', '<', staleBefore.toISOString())
    .returningAll()
    .execute();
  return rows.map(toMessage);
}
