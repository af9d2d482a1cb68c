import type { SiteDirectory } from '../auth/site-directory.js';
import type { VisitorIdentity } from '../auth/visitor-tokens.js';
import { TipsyError } from '../errors.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { ReplyPlaces, ReplySlot } from '../limits/reply-slots.js';
import type { Db } from '../db/database.js';
import type { ConversationRow } from '../db/tables.js';
import type { Writes } from '../db/writes.js';
import type { HistoryPage, Message } from '../protocol/message.js';
import { requireOwnConversation, startConversation, summariesOf } from './conversations.js';
import { beginVersion, chooseVersion } from './message-versions.js';
import { getCharacterById } from '../characters/store.js';
import { CONVERSATION_BOUNDS } from '../protocol/bounds.js';
import { clip } from '../text.js';
import type { ChooseSwipeInput, HistoryInput, RegenerateInput, SendMessageInput } from './inputs.js';
import type { ConversationList } from '../protocol/conversation.js';
import { conversationGone, historyPage, newMessageRow, toMessage } from './messages.js';
import type { ReplyRunner } from './replies.js';
import type { ConversationBroadcaster } from './broadcaster.js';
import type { Budgets } from '../budgets/budgets.js';
import { agentOf, PERSON_ANSWERING, personAnswering } from './answering.js';
import type { AgentView } from '../protocol/agent.js';
import { Takeovers } from './takeover.js';

export interface ChatDeps {
  db: Db;
  /** Visitors' messages are written in groups: one commit per turn of the event loop, however many arrive. */
  writes: Writes;
  sites: SiteDirectory;
  rateLimits: RateLimits;
  /** The site's reply places: per process, or across processes when they share Redis. */
  replySlots: ReplyPlaces;
  replies: ReplyRunner;
  broadcaster: ConversationBroadcaster;
  /** The sites' model budgets: a spent one refuses sends that would ask for a reply (QUOTA_EXCEEDED). */
  budgets?: Pick<Budgets, 'assertOpen'>;
}

/** A visitor as they send: verified, and from an address (their share of the site's reply queue is counted by both). */
export interface Sender extends VisitorIdentity {
  ip: string;
}

const TOO_FAST = 'You are sending messages too quickly. Please wait a moment.';

/**
 * What a visitor can do in a conversation, whatever the transport. Inputs
 * arrive parsed by the shared schemas in inputs.ts; the visitor arrives
 * verified by Sessions.authenticate.
 */
export class ChatService {
  /** A site owner answering a conversation as a person (admin.conversations.takeOver…): its rules bind the visitor's side too. */
  readonly takeovers: Takeovers;

  constructor(private readonly deps: ChatDeps) {
    this.takeovers = new Takeovers(deps);
  }

  async history(visitor: VisitorIdentity, input: HistoryInput): Promise<HistoryPage> {
    await requireOwnConversation(this.deps.db, visitor, input.conversationId);
    return historyPage(this.deps.db, input.conversationId, input);
  }

  /** Stops the reply streaming in the visitor's conversation, wherever it runs; what was said is kept. */
  async stop(visitor: VisitorIdentity, conversationId: string): Promise<{ stopped: boolean }> {
    await requireOwnConversation(this.deps.db, visitor, conversationId);
    const stopped = this.deps.replies.stop(conversationId);
    this.deps.broadcaster.stopElsewhere(conversationId); // another process may be streaming one too
    return { stopped };
  }

  /** Checks ownership, makes sure a conversation can be joined, and returns it. */
  join(visitor: VisitorIdentity, conversationId: string): Promise<ConversationRow> {
    return requireOwnConversation(this.deps.db, visitor, conversationId);
  }

  /** Who answers the conversation now, read afresh: `agent` while a person does. */
  async whoAnswers(conversationId: string): Promise<{ agent?: AgentView }> {
    return agentOf({ agent_name: await personAnswering(this.deps.db, conversationId) });
  }

  /**
   * Stores the visitor's message, then (and only then) tells the room and asks
   * the character to reply. A retried send returns the stored copy and does neither again.
   */
  async send(visitor: Sender, input: SendMessageInput, checked?: ConversationRow): Promise<Message> {
    const { db, writes, sites, rateLimits, replySlots, replies } = this.deps;
    if (!replies.accepting) throw new TipsyError('UNAVAILABLE', 'The chat server is restarting. Your message will be sent in a moment.');
    // `checked`: the input's conversation, its ownership already checked (when the visitor's socket joined it).
    const conversation = checked ?? (await requireOwnConversation(db, visitor, input.conversationId));
    const limits = await sites.limitsFor(visitor.siteId);
    // Limits first: a refused send writes nothing.
    const refund = await rateLimits.consumeAll(
      [
        ['messageBurst', limits.messageBurst],
        ['messageSustained', limits.messageSustained],
      ],
      visitor.visitorId,
      TOO_FAST,
    );
    let slot: ReplySlot | undefined;
    try {
      // A silent character takes no reply slot, nor does a conversation a person answers: nothing will be queued.
      if (await this.characterAsked(conversation, checked === undefined)) {
        await this.deps.budgets?.assertOpen(visitor.siteId);
        slot = await replySlots.reserve(visitor.siteId, visitor, {
          inFlight: limits.repliesInFlight,
          queue: limits.replyQueue,
          perIp: limits.repliesPerIp,
          perVisitor: limits.repliesPerVisitor,
        });
      }
    } catch (error) {
      await refund();
      throw error;
    }

    try {
      const stored = await writes.storeMessage(
        newMessageRow({ conversationId: conversation.id, senderType: 'user', content: input.content, clientMessageId: input.clientMessageId }),
      ).catch(conversationGone);
      const message = toMessage(stored.row);
      if (stored.created) {
        this.deps.broadcaster.message(message);
        if (slot) replies.enqueue(conversation, message, slot);
      } else {
        // A retry of a stored send: it costs the visitor nothing and asks for no second reply.
        slot?.release();
        await refund();
      }
      return message;
    } catch (error) {
      slot?.release();
      await refund();
      throw error;
    }
  }

  /**
   * Whether a send asks the character for a reply: it answers at all, and no person answers the
   * conversation now. A row `checked` when a socket joined may be older than a takeover: read afresh.
   */
  private async characterAsked(conversation: ConversationRow, fresh: boolean): Promise<boolean> {
    if (!(await this.deps.replies.willReply(conversation))) return false;
    return !(fresh ? conversation.agent_name : await personAnswering(this.deps.db, conversation.id));
  }

  /**
   * A new version of the conversation's last message (a character's finished
   * reply), streamed like a reply. Counted as a send: the same message windows
   * and reply places; refused (NOT_ALLOWED) when the message cannot change.
   */
  async regenerate(visitor: Sender, input: RegenerateInput, checked?: ConversationRow): Promise<Message> {
    const { db, sites, rateLimits, replySlots, replies, broadcaster } = this.deps;
    if (!replies.accepting) throw new TipsyError('UNAVAILABLE', 'The chat server is restarting. Please try again in a moment.');
    const conversation = checked ?? (await requireOwnConversation(db, visitor, input.conversationId));
    if (!(await replies.willReply(conversation))) throw new TipsyError('NOT_ALLOWED', 'This character does not answer.');
    if (await personAnswering(db, conversation.id)) throw new TipsyError('NOT_ALLOWED', PERSON_ANSWERING);
    const limits = await sites.limitsFor(visitor.siteId);
    const refund = await rateLimits.consumeAll(
      [
        ['messageBurst', limits.messageBurst],
        ['messageSustained', limits.messageSustained],
      ],
      visitor.visitorId,
      TOO_FAST,
    );
    let slot: ReplySlot | undefined;
    try {
      await this.deps.budgets?.assertOpen(visitor.siteId);
      slot = await replySlots.reserve(visitor.siteId, visitor, {
        inFlight: limits.repliesInFlight,
        queue: limits.replyQueue,
        perIp: limits.repliesPerIp,
        perVisitor: limits.repliesPerVisitor,
      });
      const started = await beginVersion(db, conversation.id);
      // The room hears of the move at once (same id, new seq, streaming and empty); the words follow as a stream.
      broadcaster.message(started.message);
      replies.regenerate(conversation, started, slot);
      return started.message;
    } catch (error) {
      slot?.release();
      await refund();
      throw error;
    }
  }

  /** Shows another version of the conversation's last message, at a new seq, and tells the room. */
  async chooseSwipe(visitor: VisitorIdentity, input: ChooseSwipeInput, checked?: ConversationRow): Promise<Message> {
    const conversation = checked ?? (await requireOwnConversation(this.deps.db, visitor, input.conversationId));
    if (await personAnswering(this.deps.db, conversation.id)) throw new TipsyError('NOT_ALLOWED', PERSON_ANSWERING);
    const { message, changed } = await chooseVersion(this.deps.db, conversation.id, input.messageId, input.index);
    if (changed) this.deps.broadcaster.message(message);
    return message;
  }

  /** A new conversation with the character of the visitor's conversation `conversationId`, where the site allows it. */
  async createConversation(visitor: VisitorIdentity, conversationId: string): Promise<{ conversationId: string }> {
    const { db, sites, rateLimits } = this.deps;
    const from = await requireOwnConversation(db, visitor, conversationId);
    const site = await sites.findById(visitor.siteId);
    if (!site?.allowNewConversations) throw new TipsyError('NOT_ALLOWED', 'This site does not allow starting a new conversation.');
    await rateLimits.consume('conversationsPerVisitor', site.limits.conversationsPerVisitor, visitor.visitorId, 'You are starting new conversations too quickly. Please wait a moment.');
    const character = await getCharacterById(db, from.character_id);
    return { conversationId: (await startConversation(db, visitor, character)).id };
  }

  /** The visitor's conversations with the character of `conversationId`, newest activity first. */
  async listConversations(visitor: VisitorIdentity, conversationId: string): Promise<ConversationList> {
    const { db } = this.deps;
    const from = await requireOwnConversation(db, visitor, conversationId);
    const rows = await summariesOf(db, visitor, from.character_id, CONVERSATION_BOUNDS.conversationListMax);
    return {
      conversations: rows.map((row) => ({
        id: row.id,
        created_at: row.created_at,
        last_message_at: row.last_message_at,
        preview: clip(row.last_content ?? '', CONVERSATION_BOUNDS.conversationPreviewChars),
        messages: Number(row.message_count ?? 0),
      })),
    };
  }
}
