import { setTimeout as sleep } from 'node:timers/promises';
import { getCharacterById } from '../characters/store.js';
import { withDeadlines, type Deadlines } from '../characters/responders/deadlines.js';
import type { ResponderRegistry } from '../characters/responders/registry.js';
import { DIRECTORY_CACHE_SIZE, DIRECTORY_TTL_MS, type SiteDirectory } from '../auth/site-directory.js';
import { ReadThroughCache } from '../auth/read-through-cache.js';
import type { Db } from '../db/database.js';
import type { Log } from '../log.js';
import type { ConversationRow } from '../db/tables.js';
import type { ReplySlot } from '../limits/reply-slots.js';
import type { Message } from '../protocol/message.js';
import type { ConversationBroadcaster } from './broadcaster.js';
import type { ConversationTurns, Turn } from './conversation-turns.js';
import { historyPage, toMessage } from './messages.js';
import { beginReply, finishReply, saveReplyProgress } from './reply-store.js';

const CONTEXT_MESSAGES = 20;
/** A reply that has not finished by then is cut short (kept as interrupted), so it cannot hold its place forever. */
export const REPLY_TIMEOUT_MS = 120_000;
/** What a reply says when the character could not answer at all (kept, so the visitor sees why). */
export const COULD_NOT_ANSWER = 'Sorry, I could not answer just now. Please try again in a moment.';
const STOPPED = 'stopped by the visitor';
/** How often a streaming reply's text is saved (and its heartbeat beats). */
export const REPLY_SAVE_INTERVAL_MS = 250;

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
  /** Per conversation, the reply streaming now (in this process), so the visitor can stop it. */
  private readonly running = new Map<string, AbortController>();
  private closing = false;
  /**
   * Per character, whether it answers at all: asked on every send, so read
   * from the database at most once per character every few seconds, and
   * dropped with the site directory's answers when a site owner changes
   * something. The reply itself reads the character afresh.
   */
  private readonly answers: ReadThroughCache<boolean>;

  constructor(
    private readonly db: Db,
    private readonly sites: SiteDirectory,
    private readonly responders: ResponderRegistry,
    private readonly broadcaster: ConversationBroadcaster,
    private readonly log: Log,
    private readonly deadlines: Deadlines,
    /** With several processes: the conversation's turn, shared, so two never answer one conversation at once. */
    private readonly turns?: ConversationTurns,
  ) {
    this.answers = new ReadThroughCache({
      ttlMs: DIRECTORY_TTL_MS,
      max: DIRECTORY_CACHE_SIZE,
      load: async (characterId) => !(await this.responderFor(characterId)).responder.silent,
    });
    sites.onForget(() => this.answers.clear());
  }

  /** False once shutdown has begun: no new reply can be promised. */
  get accepting(): boolean {
    return !this.closing;
  }

  /** Whether the conversation's character answers at all (a silent one needs no reply slot). */
  willReply(conversation: ConversationRow): Promise<boolean> {
    return this.answers.get(conversation.character_id);
  }

  /**
   * Queues a reply to `trigger`, the visitor's stored message, in the site's
   * `slot` (released here). While a reply waits its turn, later messages in the
   * conversation join it: it answers the latest, as a person would after a burst
   * of lines. So a conversation holds at most two places: one running, one waiting.
   * With shared `turns`, the conversation's turn is taken before the site's place
   * (so a reply waiting on another process's reply holds no place), and a reply
   * answers the conversation's latest visitor message, whichever process stored it.
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
      .then(() => this.runInTurn(conversation, job, slot))
      .catch((error: unknown) => this.log.error({ err: error, conversationId: id }, 'reply failed'))
      .finally(() => {
        slot.release();
        if (this.waiting.get(id) === job) this.waiting.delete(id);
        if (this.chains.get(id) === next) this.chains.delete(id);
      });
    this.chains.set(id, next);
  }

  private async runInTurn(conversation: ConversationRow, job: { trigger: Message }, slot: ReplySlot): Promise<void> {
    const turn = this.turns && (await this.turns.take(conversation.id, this.stopping.signal));
    if (this.turns && !turn) return; // shutting down, or the turn never came (logged)
    let answered: number | undefined;
    try {
      await slot.acquire(this.stopping.signal);
      this.waiting.delete(conversation.id);
      answered = await this.run(conversation, job.trigger, turn);
    } finally {
      await turn?.end(answered);
    }
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

  /** The visitor asked to stop: what was said so far stays as the reply. */
  stop(conversationId: string): boolean {
    const running = this.running.get(conversationId);
    running?.abort(STOPPED);
    return running !== undefined;
  }

  private async responderFor(characterId: string) {
    const character = await getCharacterById(this.db, characterId);
    const site = await this.sites.findById(character.site_id); // cached: no query per reply
    return { character, responder: this.responders.for(character, site?.responder ?? null) };
  }

  /** Runs one reply; returns the seq of the visitor message it answered, if it answered one. */
  private async run(conversation: ConversationRow, trigger: Message, turn?: Turn): Promise<number | undefined> {
    if (this.stopping.signal.aborted) return;
    const { db, broadcaster } = this;
    const conversationId = conversation.id;
    if (turn) {
      // Another process may have stored later messages, or answered them already while this one waited.
      const latest = await latestVisitorMessage(db, conversationId);
      if (latest && latest.seq > trigger.seq) trigger = latest;
      if (trigger.seq <= turn.answeredSeq) return;
    }
    const { character, responder } = await this.responderFor(conversation.character_id);
    if (responder.silent) return;
    // The context ends with the message being answered, however many came after it.
    const { messages } = await historyPage(db, conversationId, { before: String(trigger.seq + 1), limit: CONTEXT_MESSAGES });
    const history = messages.filter((m) => m.status !== 'streaming');
    const visitorStop = new AbortController();
    this.running.set(conversationId, visitorStop);
    const signal = AbortSignal.any([
      this.stopping.signal,
      visitorStop.signal,
      AbortSignal.timeout(REPLY_TIMEOUT_MS),
      ...(turn ? [turn.lost] : []),
    ]);

    // The reply is stored from its first words (so it takes its place then), saved as it grows.
    let reply: Message | undefined;
    let text = '';
    let chunks = 0;
    let failure: unknown;
    let saver: ReturnType<typeof setInterval> | undefined;
    broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: true });
    try {
      for await (const delta of withDeadlines((s) => responder.reply({ character, history, signal: s }), this.deadlines, signal)) {
        if (!delta) continue;
        text += delta;
        if (!reply) {
          // Leading whitespace waits for words; then the reply is stored with them, so a crash keeps them.
          if (!text.trim()) continue;
          reply = await beginReply(db, conversationId, text);
          const id = reply.id;
          saver = setInterval(() => void saveReplyProgress(db, id, text, chunks).catch(() => undefined), REPLY_SAVE_INTERVAL_MS);
          broadcaster.stream({ conversation_id: conversationId, message_id: reply.id, message_seq: reply.seq, seq: chunks++, delta: text });
          continue;
        }
        broadcaster.stream({ conversation_id: conversationId, message_id: reply.id, message_seq: reply.seq, seq: chunks++, delta });
      }
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(saver);
      this.running.delete(conversationId);
      broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: false });
    }

    const stopped = visitorStop.signal.aborted;
    const shuttingDown = this.stopping.signal.aborted;
    // A responder may end quietly when aborted: an abort the visitor did not ask for is still a failure.
    if (!failure && signal.aborted && !stopped) failure = signal.reason;
    if (failure && !stopped && !shuttingDown) {
      this.log.warn({ err: failure, conversationId, said: chunks }, 'reply failed; keeping what was said');
    }
    // What happened decides how the reply is kept: whole, cut short, or not at all.
    const status = stopped || !failure ? 'complete' : text.trim() ? 'interrupted' : shuttingDown ? undefined : 'failed';
    if (!status) return;
    const answered = trigger.seq;
    if (status === 'failed') {
      reply ??= await beginReply(db, conversationId, COULD_NOT_ANSWER);
      text = COULD_NOT_ANSWER;
    }
    if (!reply) return answered;
    const stored = await finishReply(db, reply.id, text.trim(), chunks, status);
    if (stored) broadcaster.message(stored);
    return answered;
  }
}

/** The conversation's latest message from the visitor, whichever process stored it. */
async function latestVisitorMessage(db: Db, conversationId: string): Promise<Message | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('sender_type', '=', 'user')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toMessage(row);
}
