import { setTimeout as sleep } from 'node:timers/promises';
import { getCharacterById } from '../characters/store.js';
import type { Responder } from '../characters/responders/responder.js';
import type { Db } from '../db/database.js';
import type { ConversationRow } from '../db/tables.js';
import type { ReplySlot } from '../limits/reply-slots.js';
import type { Message } from '../protocol/message.js';
import type { ConversationBroadcaster } from './broadcaster.js';
import { historyPage } from './messages.js';
import { beginReply, finishReply, saveReplyProgress } from './reply-store.js';

const CONTEXT_MESSAGES = 20;
/** A reply that has not finished by then is cut short (kept as interrupted), so it cannot hold its place forever. */
export const REPLY_TIMEOUT_MS = 120_000;
/** How often a streaming reply's text is saved (and its heartbeat beats). */
export const REPLY_SAVE_INTERVAL_MS = 250;

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
  /** Per conversation, the reply waiting its turn (not yet running): newer messages join it. */
  private readonly waiting = new Map<string, { trigger: Message }>();
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

  /**
   * Queues a reply to `trigger`, the visitor's stored message, in the site's
   * `slot` (released here). While a reply waits its turn, later messages in the
   * conversation join it: it answers the latest, as a person would after a burst
   * of lines. So a conversation holds at most two places: one running, one waiting.
   */
  enqueue(conversation: ConversationRow, trigger: Message, slot: ReplySlot): void {
    const id = conversation.id;
    const waiting = this.waiting.get(id);
    if (waiting) {
      waiting.trigger = trigger;
      slot.release();
      return;
    }
    const job = { trigger };
    this.waiting.set(id, job);
    const previous = this.chains.get(id) ?? Promise.resolve();
    const next = previous
      .then(() => slot.acquire())
      .then(() => {
        this.waiting.delete(id);
        return this.run(conversation, job.trigger);
      })
      .catch((error: unknown) => this.log.error({ err: error, conversationId: id }, 'reply failed'))
      .finally(() => {
        slot.release();
        if (this.waiting.get(id) === job) this.waiting.delete(id);
        if (this.chains.get(id) === next) this.chains.delete(id);
      });
    this.chains.set(id, next);
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
    // The context ends with the message being answered, however many came after it.
    const { messages } = await historyPage(db, conversationId, { before: String(trigger.seq + 1), limit: CONTEXT_MESSAGES });
    const history = messages.filter((m) => m.status !== 'streaming');
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(REPLY_TIMEOUT_MS)]);

    // The reply is stored from its first words (so it takes its place then), saved as it grows.
    let reply: Message | undefined;
    let text = '';
    let chunks = 0;
    let status: 'complete' | 'interrupted' = 'complete';
    let saver: ReturnType<typeof setInterval> | undefined;
    broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: true });
    try {
      for await (const delta of this.responder.reply({ character, history, signal })) {
        if (!delta) continue;
        if (!reply) {
          // Stored with its first words: a crash right away still keeps them.
          reply = await beginReply(db, conversationId, delta);
          const id = reply.id;
          saver = setInterval(() => void saveReplyProgress(db, id, text, chunks).catch(() => undefined), REPLY_SAVE_INTERVAL_MS);
        }
        text += delta;
        broadcaster.stream({ conversation_id: conversationId, message_id: reply.id, message_seq: reply.seq, seq: chunks, delta });
        chunks++;
      }
      if (signal.aborted) status = 'interrupted';
    } catch (error) {
      status = 'interrupted';
      this.log.warn({ err: error, conversationId }, 'responder failed; keeping the partial reply');
    } finally {
      clearInterval(saver);
      broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: false });
    }
    if (!reply) return;
    const stored = await finishReply(db, reply.id, text.trim(), chunks, status);
    if (stored) broadcaster.message(stored);
  }
}
