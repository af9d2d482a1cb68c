import type { Db } from '../db/database.js';
import { giveBackNextSeq, nextSeq, type Executor } from '../db/message-rows.js';
import type { MessageRow } from '../db/tables.js';
import { notFound, TipsyError } from '../errors.js';
import { nowIso } from '../ids.js';
import { CONVERSATION_BOUNDS } from '../protocol/bounds.js';
import type { Message } from '../protocol/message.js';
import { conversationGone, insertMessage, newMessageRow, toMessage } from './messages.js';

/**
 * A character message's versions (swipes). The message's row holds the version
 * shown; a version's own row (message_versions) is written when the message
 * moves away from it. Only a conversation's last message can change, and every
 * change stores it again at the conversation's next seq (same id), so each
 * catch-up by seq brings the change. Each change runs in one transaction that
 * takes that seq first: the conversation's row lock (Postgres) or the write
 * lock (SQLite) orders it against sends, replies and other changes, on every process.
 */

const SWIPES_MAX = CONVERSATION_BOUNDS.swipesMax;

/** A greeting and its alternates (index 0 the main greeting), stored as the conversation's first message. */
export async function storeGreeting(db: Db, conversationId: string, versions: readonly string[]): Promise<void> {
  const kept = versions.slice(0, SWIPES_MAX);
  if (!kept.length) return;
  await db.transaction().execute(async (tx) => {
    const row = await insertMessage(tx, newMessageRow({ conversationId, senderType: 'character', content: kept[0]! }));
    if (kept.length === 1) return;
    await tx.updateTable('messages').set({ swipe_count: kept.length }).where('id', '=', row.id).execute();
    await tx
      .insertInto('message_versions')
      .values(kept.map((content, idx) => ({ message_id: row.id, idx, content, status: 'complete' as const, chunks: 0, created_at: row.created_at })))
      .execute();
  });
}

/** A regenerate begun: the message as now stored, and the version it showed before (to go back to if the new one says nothing). */
export interface NewVersion {
  message: Message;
  previousIndex: number;
}

/**
 * Starts a new version of the conversation's last message: it must be a
 * character's finished reply (not a greeting) with room for one more version.
 * The version shown is kept in message_versions; the message moves to the
 * next seq, streaming and empty, showing the new version.
 */
export async function beginVersion(db: Db, conversationId: string): Promise<NewVersion> {
  return db
    .transaction()
    .execute(async (tx) => {
      const now = nowIso();
      const seq = await nextSeq(tx, conversationId, now);
      const last = await lastMessage(tx, conversationId);
      assertChangeable(last, 'regenerated');
      if (!(await hasVisitorMessage(tx, conversationId))) {
        throw new TipsyError('NOT_ALLOWED', 'A greeting cannot be regenerated; choose among its versions instead.');
      }
      if (last.swipe_count >= SWIPES_MAX) {
        throw new TipsyError('NOT_ALLOWED', `A reply can have at most ${SWIPES_MAX} versions; choose one of them instead.`);
      }
      await keepShownVersion(tx, last);
      const row = await tx
        .updateTable('messages')
        .set({ seq, content: '', status: 'streaming', chunks: 0, swipe_index: last.swipe_count, swipe_count: last.swipe_count + 1, created_at: now, updated_at: now })
        .where('id', '=', last.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { message: toMessage(row), previousIndex: last.swipe_index };
    })
    .catch(conversationGone);
}

/**
 * Shows version `index` of the conversation's last message `messageId`, at the
 * next seq. Choosing the version shown changes nothing (`changed: false`).
 */
export async function chooseVersion(
  db: Db,
  conversationId: string,
  messageId: string,
  index: number,
): Promise<{ message: Message; changed: boolean }> {
  return db
    .transaction()
    .execute(async (tx) => {
      const now = nowIso();
      const seq = await nextSeq(tx, conversationId, now);
      const last = await lastMessage(tx, conversationId);
      if (last?.id !== messageId) {
        const found = await tx.selectFrom('messages').select('id').where('id', '=', messageId).where('conversation_id', '=', conversationId).executeTakeFirst();
        if (!found) throw notFound('The message');
        throw new TipsyError('NOT_ALLOWED', 'Only the last message of a conversation can change.');
      }
      assertChangeable(last, 'changed');
      if (index >= last.swipe_count) {
        throw new TipsyError('INVALID_INPUT', `index: this message has ${last.swipe_count} version${last.swipe_count === 1 ? '' : 's'}.`);
      }
      if (index === last.swipe_index) {
        await giveBackNextSeq(tx, conversationId);
        return { message: toMessage(last), changed: false };
      }
      await keepShownVersion(tx, last);
      return { message: await showVersion(tx, last, index, seq, last.swipe_count, now), changed: true };
    })
    .catch(conversationGone);
}

/**
 * Drops a new version that said nothing (stopped, or cut short, before any
 * words) and shows `previousIndex` again (the newest other version when not
 * known: a reply swept after its process died), at the next seq. Null when the
 * message is no longer showing that version (it moved meanwhile) or is gone.
 */
export async function dropEmptyVersion(db: Db, message: Pick<Message, 'id' | 'conversation_id'>, previousIndex?: number): Promise<Message | null> {
  return db
    .transaction()
    .execute(async (tx) => {
      const row = await tx.selectFrom('messages').selectAll().where('id', '=', message.id).executeTakeFirst();
      if (!row || row.swipe_count < 2 || row.swipe_index !== row.swipe_count - 1 || row.content.trim()) return null;
      const now = nowIso();
      const seq = await nextSeq(tx, row.conversation_id, now);
      const count = row.swipe_count - 1;
      const back = previousIndex !== undefined && previousIndex < count ? previousIndex : count - 1;
      await tx.deleteFrom('message_versions').where('message_id', '=', row.id).where('idx', '>=', count).execute();
      return showVersion(tx, row, back, seq, count, now);
    })
    .catch(conversationGone);
}

async function lastMessage(tx: Executor, conversationId: string): Promise<MessageRow | undefined> {
  return tx.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

function assertChangeable(last: MessageRow | undefined, verb: string): asserts last is MessageRow {
  if (!last || last.sender_type !== 'character') {
    throw new TipsyError('NOT_ALLOWED', `Only the character's last message can be ${verb}.`);
  }
  if (last.status === 'streaming') throw new TipsyError('NOT_ALLOWED', 'The reply is still being written.');
}

/** Whether the visitor has written in the conversation: before that, its last message is the greeting. */
async function hasVisitorMessage(tx: Executor, conversationId: string): Promise<boolean> {
  const row = await tx.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('sender_type', '=', 'user').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Writes the version the message shows into its versions, as it stands now. */
async function keepShownVersion(tx: Executor, row: MessageRow): Promise<void> {
  const version = { content: row.content, status: row.status, chunks: row.chunks, created_at: row.created_at };
  await tx
    .insertInto('message_versions')
    .values({ message_id: row.id, idx: row.swipe_index, ...version })
    .onConflict((oc) => oc.columns(['message_id', 'idx']).doUpdateSet(version))
    .execute();
}

/** Puts version `index` (from message_versions) in the message's row, at `seq`. */
async function showVersion(tx: Executor, row: MessageRow, index: number, seq: number, count: number, now: string): Promise<Message> {
  const version = await tx
    .selectFrom('message_versions')
    .selectAll()
    .where('message_id', '=', row.id)
    .where('idx', '=', index)
    .executeTakeFirst();
  if (!version) throw new Error(`Version ${index} of message ${row.id} is missing`);
  const updated = await tx
    .updateTable('messages')
    .set({
      seq,
      content: version.content,
      status: version.status,
      chunks: version.chunks,
      created_at: version.created_at,
      swipe_index: index,
      swipe_count: count,
      updated_at: now,
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toMessage(updated);
}
