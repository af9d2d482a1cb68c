import { getCharacterById } from '../characters/store.js';
import type { Responder } from '../characters/responders/responder.js';
import type { Db } from '../db/database.js';
import type { ReplySlot } from '../limits/reply-slots.js';
import type { ConversationRow } from '../db/tables.js';
import { newId } from '../ids.js';
import type { Message } from '../protocol/message.js';
import type { ConversationBroadcaster } from './broadcaster.js';
import { postMessage, recentMessages } from './messages.js';

const CONTEXT_MESSAGES = 20;

/** The slice of a pino-style logger the domain needs. */
export interface Log {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Runs character replies: one at a time per conversation (so replies never
 * interleave), streamed to the room, then stored and sent whole.
 */
export class ReplyRunner {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly db: Db,
    private readonly responder: Responder,
    private readonly broadcaster: ConversationBroadcaster,
    private readonly log: Log,
  ) {}

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

  /** Stops streaming, keeps what was said so far, and waits for every reply to settle. */
  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.chains.values());
  }

  private async run(conversation: ConversationRow, trigger: Message): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const conversationId = conversation.id;
    const character = await getCharacterById(this.db, conversation.character_id);
    const recent = await recentMessages(this.db, conversationId, CONTEXT_MESSAGES);
    const history = recent.slice(0, recent.findIndex((m) => m.id === trigger.id) + 1 || undefined);

    const messageId = newId();
    let text = '';
    let seq = 0;
    this.broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: true });
    try {
      for await (const delta of this.responder.reply({ character, history, signal: this.stopping.signal })) {
        if (!delta) continue;
        text += delta;
        this.broadcaster.stream({ conversation_id: conversationId, message_id: messageId, seq: seq++, delta });
      }
    } catch (error) {
      this.log.warn({ err: error, conversationId }, 'responder failed; keeping the partial reply');
    } finally {
      this.broadcaster.typing({ conversation_id: conversationId, sender_type: 'character', typing: false });
    }
    const content = text.trim();
    if (!content) return;
    const { message } = await postMessage(this.db, { id: messageId, conversationId, senderType: 'character', content });
    this.broadcaster.message(message);
  }
}
