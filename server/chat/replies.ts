import { setTimeout as sleep } from 'node:timers/promises';
import { getCharacterById } from '../characters/store.js';
import type { Responder } from '../characters/responders/responder.js';
import type { Db } from '../db/database.js';
import type { ConversationRow } from '../db/tables.js';
import type { ReplySlot } from '../limits/reply-slots.js';
import type { Message } from '../protocol/message.js';
import type { ConversationBroadcaster } from './broadcaster.js';
import { recentMessages } from './messages.js';
import { beginReply, finishReply, saveReplyProgress } from './reply-store.js';

const CONTEXT_MESSAGES = 20;
/** How often a streaming reply's text is saved (and its heartbeat beats). */
export const REPLY_SAVE_INTERVAL_MS = 500;

/** The slice of a pino-style logger the domain needs. */
export interface Log {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Runs character replies: one at a time per conversation (so replies never
 * interleave), stored from the first moment, streamed to the room, and closed
 * as complete, or as interrupted when cut short.
 */
export class ReplyRunner {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private closing = false;

  constructor(
    private readonly db: Db,
    private readonly responder: Responder,
    private readonly broadcaster: ConversationBroadcaster,
    private readonly log: Log,
  ) {}

  /** False once shutdown has begun: no new reply can be promised. */
  get accepting(): boolean {
    return !this.closing;
  }

  /** Queues a reply to `trigger`, the visitor's stored message, in the site's `slot` (released here). */
  enqueue(conversation: ConversationRow, trigger: Message, slot: ReplySlot): void {
    const previous = this.chains.get(conversation.id) ?? Promise.resolve();
    const next = previous
      .then(() => slot.acquire())
      .then(() => this.run(conversation, trigger))
      .catch((error: unknown) => this.log.error({ err: error, conversationId: conversation.id }, 'reply failed'))
      .finally(() => {
        slot.release();
        if (this.chains.get(conversation.id) === next) this.chains.delete(conversation.id);
      });
    this.chains.set(conversation.id, next);
  }

  /**
   * Stops taking replies, lets running ones finish for up to `graceMs`, then
   * cuts the rest short (kept as interrupted) and waits for them to be stored.
   */
  async close(graceMs = 0): Promise<void> {
    this.closing = true;
    const settled = Promise.all(this.chains.values());
    if (graceMs > 0) await Promise.race([settled, sleep(graceMs)]);
    this.stopping.abort();
    await Promise.all(this.chains.values());
  }

  private async run(conversation: ConversationRow, trigger: Message): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const { db, broadcaster } = this;
    const conversationId = conversation.id;
    const character = await getCharacterById(db, conversation.character_id);
    const recent = await recentMessages(db, conversationId, CONTEXT_MESSAGES);
    const history = recent.filter((m) => m.seq <= trigger.seq && m.status !== 'streaming');

    const reply = await beginReply(db, conversationId);
    let text = '';
    let chunks = 0;
    let status: 'complete' | 'interrupted' = 'complete';
    const saver = setInterval(() => void saveReplyProgress(db, reply.id, text, chunks).catch(() => undefined), REPLY_SAVE_INTERVAL_MS);
    broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: true });
    try {
      for await (const delta of this.responder.reply({ character, history, signal: this.stopping.signal })) {
        if (!delta) continue;
        text += delta;
        broadcaster.stream({ conversation_id: conversationId, message_id: reply.id, message_seq: reply.seq, seq: chunks, delta });
        chunks++;
      }
      if (this.stopping.signal.aborted) status = 'interrupted';
    } catch (error) {
      status = 'interrupted';
      this.log.warn({ err: error, conversationId }, 'responder failed; keeping the partial reply');
    } finally {
      clearInterval(saver);
      broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: false });
    }
    const stored = await finishReply(db, reply.id, text.trim(), chunks, status);
    if (stored) broadcaster.message(stored);
  }
}
