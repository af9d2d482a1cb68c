import type { Db } from '../db/database.js';
import { storeMessageRow, type Executor } from '../db/message-rows.js';
import { notFound, TipsyError } from '../errors.js';
import { nowIso } from '../ids.js';
import type { Message } from '../protocol/message.js';
import type { ConversationBroadcaster } from './broadcaster.js';
import type { AgentReplyInput } from './inputs.js';
import { conversationGone, newMessageRow, toMessage } from './messages.js';
import type { ReplyRunner } from './replies.js';

/** Who answers one of a site's conversations, as the site owner reads it. */
export interface TakeoverState {
  conversationId: string;
  /** The person answering in the character's place; null: the character answers. */
  agentName: string | null;
  /** When they took it over (ISO-8601); null with agentName. */
  takenOverAt: string | null;
}

const NOT_TAKEN_OVER = 'Take the conversation over before answering in it.';

/** How long a person's `typing: true` holds without being said again (the studio repeats it every 3 s while they type). */
export const AGENT_TYPING_MS = 8_000;

const stateOf = (row: { id: string; agent_name: string | null; taken_over_at: string | null }): TakeoverState => ({
  conversationId: row.id,
  agentName: row.agent_name,
  takenOverAt: row.taken_over_at,
});

/** One of the site's conversations, with who answers it; another site's is not found, as a missing one. */
async function siteConversation(db: Executor, siteId: string, conversationId: string) {
  const row = await db
    .selectFrom('conversations')
    .select(['id', 'agent_name', 'taken_over_at'])
    .where('id', '=', conversationId)
    .where('site_id', '=', siteId)
    .executeTakeFirst();
  if (!row) throw notFound('The conversation');
  return row;
}

/**
 * Live takeover: a site owner pauses the character in one of the site's
 * conversations and answers the visitor as a person, then hands it back. The
 * state lives in the conversation's row, read by every process at each
 * decision (chat/answering.ts): a visitor's send asks for no reply while a
 * person answers, and a reply that was waiting asks for nothing when its turn
 * comes. Everything the room hears goes through the broadcaster, so the sockets
 * of every process hear it.
 */
export class Takeovers {
  /** A person's typing, ended for them if they go quiet (a studio tab closed mid-sentence never says it stopped). */
  private readonly typingEnds = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: { db: Db; replies: Pick<ReplyRunner, 'stop'>; broadcaster: ConversationBroadcaster }) {}

  /** Who answers the conversation now. */
  async state(siteId: string, conversationId: string): Promise<TakeoverState> {
    return stateOf(await siteConversation(this.deps.db, siteId, conversationId));
  }

  /**
   * A person named `name` answers from now on: the reply streaming now stops
   * (what was said is kept), on whichever process runs it. Taking over a
   * conversation already taken over puts the new name in place.
   */
  async takeOver(siteId: string, conversationId: string, name: string): Promise<TakeoverState> {
    const { db, replies, broadcaster } = this.deps;
    const row = await db
      .updateTable('conversations')
      .set({ agent_name: name, taken_over_at: nowIso() })
      .where('id', '=', conversationId)
      .where('site_id', '=', siteId)
      .returning(['id', 'agent_name', 'taken_over_at'])
      .executeTakeFirst();
    if (!row) throw notFound('The conversation');
    // After the commit: a reply registers itself as running before it reads who answers, so it either
    // reads the takeover or is running now and stopped here (or, on another process, by stopElsewhere).
    replies.stop(conversationId);
    broadcaster.stopElsewhere(conversationId);
    broadcaster.answeredBy({ conversation_id: conversationId, agent: { name } });
    return stateOf(row);
  }

  /**
   * The person's message to the visitor, stored and sent to the room as
   * `sender_type: 'agent'` with their name. Only while the conversation is taken
   * over (NOT_ALLOWED otherwise); a retried clientMessageId returns the first copy.
   */
  async reply(siteId: string, input: AgentReplyInput): Promise<Message> {
    const { db, broadcaster } = this.deps;
    const stored = await db
      .transaction()
      .execute(async (tx) => {
        const conversation = await siteConversation(tx, siteId, input.conversationId);
        if (!conversation.agent_name) throw new TipsyError('NOT_ALLOWED', NOT_TAKEN_OVER);
        const row = newMessageRow({
          conversationId: conversation.id,
          senderType: 'agent',
          senderName: conversation.agent_name,
          content: input.content,
          clientMessageId: input.clientMessageId,
        });
        const result = await storeMessageRow(tx, row);
        if (!result.created) {
          // The id is the conversation's, shared with the visitor's sends: only a person's own retry returns its copy.
          if (result.row.sender_type !== 'agent') throw new TipsyError('INVALID_INPUT', 'clientMessageId: already used in this conversation.');
          return result;
        }
        // Read again once the conversation's row is locked (Postgres): a hand-back committed meanwhile wins.
        const now = await siteConversation(tx, siteId, conversation.id);
        if (!now.agent_name) throw new TipsyError('NOT_ALLOWED', NOT_TAKEN_OVER);
        return result;
      })
      .catch(conversationGone);
    const message = toMessage(stored.row);
    if (stored.created) broadcaster.message(message);
    return message;
  }

  /** Tells the room the person is typing (or stopped), as `typing` with `sender_type: 'agent'`; only while taken over. */
  async typing(siteId: string, conversationId: string, typing: boolean): Promise<{ typing: boolean }> {
    const conversation = await siteConversation(this.deps.db, siteId, conversationId);
    if (!conversation.agent_name) throw new TipsyError('NOT_ALLOWED', NOT_TAKEN_OVER);
    this.endTypingLater(conversationId, typing);
    this.deps.broadcaster.typing({ conversation_id: conversationId, sender_type: 'agent', typing });
    return { typing };
  }

  /** Typing that is not said again within AGENT_TYPING_MS ends by itself (the studio says it again every few seconds). */
  private endTypingLater(conversationId: string, typing: boolean): void {
    clearTimeout(this.typingEnds.get(conversationId));
    this.typingEnds.delete(conversationId);
    if (!typing) return;
    const end = setTimeout(() => {
      this.typingEnds.delete(conversationId);
      this.deps.broadcaster.typing({ conversation_id: conversationId, sender_type: 'agent', typing: false });
    }, AGENT_TYPING_MS);
    end.unref();
    this.typingEnds.set(conversationId, end);
  }

  /** Hands the conversation back to the character: the visitor's next message is answered by it. Releasing twice changes nothing. */
  async release(siteId: string, conversationId: string): Promise<TakeoverState> {
    const { db, broadcaster } = this.deps;
    const current = await siteConversation(db, siteId, conversationId);
    if (!current.agent_name) return stateOf(current);
    const row = await db
      .updateTable('conversations')
      .set({ agent_name: null, taken_over_at: null })
      .where('id', '=', conversationId)
      .where('site_id', '=', siteId)
      .returning(['id', 'agent_name', 'taken_over_at'])
      .executeTakeFirst();
    if (!row) throw notFound('The conversation');
    this.endTypingLater(conversationId, false);
    broadcaster.typing({ conversation_id: conversationId, sender_type: 'agent', typing: false });
    broadcaster.answeredBy({ conversation_id: conversationId, agent: null });
    return stateOf(row);
  }
}
