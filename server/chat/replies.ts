import { setTimeout as sleep } from 'node:timers/promises';
import { getCharacterById } from '../characters/store.js';
import { withDeadlines, type Deadlines } from '../characters/responders/deadlines.js';
import type { ResponderRegistry } from '../characters/responders/registry.js';
import type { ModelUsage } from '../characters/responders/responder.js';
import { estimateReplyUsage } from '../budgets/budget-settings.js';
import { DIRECTORY_CACHE_SIZE, DIRECTORY_TTL_MS, type SiteDirectory } from '../auth/site-directory.js';
import { ReadThroughCache } from '../auth/read-through-cache.js';
import type { Db } from '../db/database.js';
import type { Log } from '../log.js';
import type { ConversationRow } from '../db/tables.js';
import type { ReplySlot } from '../limits/reply-slots.js';
import type { Message } from '../protocol/message.js';
import type { ConversationBroadcaster } from './broadcaster.js';
import type { ConversationTurns, Turn } from './conversation-turns.js';
import { historyPage } from './messages.js';
import { latestVisitorMessage, verifiedName } from './reply-context.js';
import { personAnswering } from './answering.js';
import { dropEmptyVersion, type NewVersion } from './message-versions.js';
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
 * A reply to write: to `trigger`, the visitor's latest message; or, for a
 * regenerate, the new `version` of the conversation's last message, stored
 * already (streaming, empty) and kept alive by `heartbeat` until it runs, so
 * the stale-reply sweep leaves it alone while it waits its turn.
 */
interface ReplyJob {
  trigger: Message;
  version?: NewVersion & { heartbeat: ReturnType<typeof setInterval> };
}

/** Told the tokens a reply used: as its endpoint reported them, or estimated from the text. */
export type ReplyMeter = (siteId: string, usage: ModelUsage, source: 'reported' | 'estimated') => void;

/**
 * Runs character replies: one at a time per conversation (so replies never
 * interleave), stored from the first moment, streamed to the room, and closed
 * as complete, or as interrupted when cut short.
 */
export class ReplyRunner {
  private readonly chains = new Map<string, Promise<void>>();
  /** Per conversation, the reply waiting its turn (not yet running): newer messages join it. */
  private readonly waiting = new Map<string, ReplyJob>();
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
    /** Told what each reply used (for the site's budget and the metrics). */
    private readonly meter?: ReplyMeter,
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
    const waiting = this.waiting.get(conversation.id);
    if (waiting && !waiting.version) {
      waiting.trigger = trigger;
      slot.release();
      return;
    }
    const job: ReplyJob = { trigger };
    this.waiting.set(conversation.id, job);
    this.chain(conversation, job, slot);
  }

  /**
   * Queues the writing of a new version of the conversation's last message
   * (stored already by beginVersion), in the site's `slot`, like a reply: in
   * the conversation's turn, streamed, stoppable, held to the same deadlines.
   * Messages sent meanwhile do not join it: their reply comes after.
   */
  regenerate(conversation: ConversationRow, version: NewVersion, slot: ReplySlot): void {
    const { id } = version.message;
    const heartbeat = setInterval(() => void saveReplyProgress(this.db, id, '', 0).catch(() => undefined), REPLY_SAVE_INTERVAL_MS);
    this.chain(conversation, { trigger: version.message, version: { ...version, heartbeat } }, slot);
  }

  private chain(conversation: ConversationRow, job: ReplyJob, slot: ReplySlot): void {
    const id = conversation.id;
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

  private async runInTurn(conversation: ConversationRow, job: ReplyJob, slot: ReplySlot): Promise<void> {
    let settled = false;
    try {
      const turn = this.turns && (await this.turns.take(conversation.id, this.stopping.signal));
      if (this.turns && !turn) return; // shutting down, or the turn never came (logged)
      let answered: number | undefined;
      try {
        await slot.acquire(this.stopping.signal);
        if (this.waiting.get(conversation.id) === job) this.waiting.delete(conversation.id);
        ({ answered, settled } = await this.run(conversation, job, turn));
      } finally {
        await turn?.end(answered);
      }
    } finally {
      // A new version that never ran (shutdown, no turn) goes back to the version shown before.
      if (job.version) {
        clearInterval(job.version.heartbeat);
        if (!settled) await this.dropVersion(job.version);
      }
    }
  }

  /** Drops a new version that said nothing: the message shows the version it showed before, and the room hears it. */
  private async dropVersion(version: NewVersion): Promise<void> {
    const restored = await dropEmptyVersion(this.db, version.message, version.previousIndex);
    if (restored) this.broadcaster.message(restored);
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

  /**
   * Runs one reply; returns the seq of the visitor message it answered, if it
   * answered one, and whether a regenerate's version was settled here (written, or dropped).
   */
  private async run(conversation: ConversationRow, job: ReplyJob, turn?: Turn): Promise<{ answered?: number; settled: boolean }> {
    if (this.stopping.signal.aborted) return { settled: false };
    const { db, broadcaster } = this;
    const conversationId = conversation.id;
    const version = job.version;
    let trigger = job.trigger;
    if (turn && !version) {
      // Another process may have stored later messages, or answered them already while this one waited.
      const latest = await latestVisitorMessage(db, conversationId);
      if (latest && latest.seq > trigger.seq) trigger = latest;
      if (trigger.seq <= turn.answeredSeq) return { settled: false };
    }
    const { character, responder } = await this.responderFor(conversation.character_id);
    if (responder.silent) return { settled: false };
    const userName = await verifiedName(db, conversation.visitor_id);
    // The context ends with the message being answered, however many came after it. A new version's
    // context is everything before the message it replaces (which moved to the end): never that one.
    const { messages } = await historyPage(db, conversationId, { before: String(version ? version.message.seq : trigger.seq + 1), limit: CONTEXT_MESSAGES });
    const history = messages.filter((m) => m.status !== 'streaming');
    // Nothing to answer: the conversation was erased while this reply waited its turn.
    if (!messages.length) return { settled: false };
    const visitorStop = new AbortController();
    this.running.set(conversationId, visitorStop);
    // Read once registered as running: a takeover committed after this read stops the reply (Takeovers.takeOver).
    if (await personAnswering(db, conversationId)) {
      this.running.delete(conversationId);
      return { settled: false };
    }
    const signal = AbortSignal.any([
      this.stopping.signal,
      visitorStop.signal,
      AbortSignal.timeout(REPLY_TIMEOUT_MS),
      ...(turn ? [turn.lost] : []),
    ]);

    // The reply is stored from its first words (so it takes its place then), saved as it grows.
    // A new version is stored already: its row is saved from the start, which is also its heartbeat.
    let reply: Message | undefined = version?.message;
    let said = false;
    let text = '';
    let chunks = 0;
    let failure: unknown;
    let reported: ModelUsage | undefined;
    let saver: ReturnType<typeof setInterval> | undefined;
    const startSaving = (id: string) => {
      saver = setInterval(() => void saveReplyProgress(db, id, text, chunks).catch(() => undefined), REPLY_SAVE_INTERVAL_MS);
    };
    if (version) {
      clearInterval(version.heartbeat);
      startSaving(version.message.id);
    }
    broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: true });
    try {
      for await (const delta of withDeadlines((s) => responder.reply({ character, history, signal: s, userName, reportUsage: (used) => (reported = used) }), this.deadlines, signal)) {
        if (!delta) continue;
        text += delta;
        if (!said) {
          // Leading whitespace waits for words; then the reply is stored with them, so a crash keeps them.
          if (!text.trim()) continue;
          said = true;
          if (reply) {
            await saveReplyProgress(db, reply.id, text, 1);
          } else {
            reply = await beginReply(db, conversationId, text);
            startSaving(reply.id);
          }
          broadcaster.stream({ conversation_id: conversationId, message_id: reply.id, message_seq: reply.seq, seq: chunks++, delta: text });
          continue;
        }
        broadcaster.stream({ conversation_id: conversationId, message_id: reply!.id, message_seq: reply!.seq, seq: chunks++, delta });
      }
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(saver);
      this.running.delete(conversationId);
      broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: false });
    }
    // The prompt was sent, whatever came back: a reply stopped before its first words still costs its input.
    this.meter?.(conversation.site_id, reported ?? estimateReplyUsage(character, history.map((m) => m.content), text), reported ? 'reported' : 'estimated');

    const stopped = visitorStop.signal.aborted;
    const shuttingDown = this.stopping.signal.aborted;
    // A responder may end quietly when aborted: an abort the visitor did not ask for is still a failure.
    if (!failure && signal.aborted && !stopped) failure = signal.reason;
    if (failure && !stopped && !shuttingDown) {
      this.log.warn({ err: failure, conversationId, said: chunks }, 'reply failed; keeping what was said');
    }
    // What happened decides how the reply is kept: whole, cut short, or not at all.
    const status = stopped || !failure ? 'complete' : text.trim() ? 'interrupted' : shuttingDown ? undefined : 'failed';
    const answered = version ? undefined : trigger.seq;
    if (version && !text.trim() && status !== 'failed') {
      // A new version that said nothing is not kept: the message shows the version it showed before.
      await this.dropVersion(version);
      return { settled: true };
    }
    if (!status) return { answered, settled: false };
    if (status === 'failed') {
      reply ??= await beginReply(db, conversationId, COULD_NOT_ANSWER);
      text = COULD_NOT_ANSWER;
    }
    if (!reply) return { answered, settled: true };
    // A new version is written only where it still stands (a sweep may have closed it after a stall).
    const stored = await finishReply(db, reply.id, text.trim(), chunks, status, version ? reply.seq : undefined);
    if (stored) broadcaster.message(stored);
    return { answered, settled: true };
  }
}
