import type { VisitorIdentity } from '../auth/visitor-tokens.js';
import type { Db } from '../db/database.js';
import type { HistoryPage, Message } from '../protocol/message.js';
import { requireOwnConversation } from './conversations.js';
import type { HistoryInput, SendMessageInput } from './inputs.js';
import { historyPage, postMessage } from './messages.js';
import type { ReplyRunner } from './replies.js';
import type { ConversationBroadcaster } from './broadcaster.js';

export interface ChatDeps {
  db: Db;
  replies: ReplyRunner;
  broadcaster: ConversationBroadcaster;
}

/**
 * What a visitor can do in a conversation, whatever the transport. Inputs
 * arrive parsed by the shared schemas in inputs.ts; the visitor arrives
 * verified by Sessions.authenticate.
 */
export class ChatService {
  constructor(private readonly deps: ChatDeps) {}

  async history(visitor: VisitorIdentity, input: HistoryInput): Promise<HistoryPage> {
    await requireOwnConversation(this.deps.db, visitor, input.conversationId);
    return historyPage(this.deps.db, input.conversationId, input);
  }

  /** Checks ownership, makes sure a conversation can be joined, and returns its id. */
  async join(visitor: VisitorIdentity, conversationId: string): Promise<string> {
    return (await requireOwnConversation(this.deps.db, visitor, conversationId)).id;
  }

  /**
   * Stores the visitor's message, then (and only then) tells the room and asks
   * the character to reply. A retried send returns the stored copy and does neither again.
   */
  async send(visitor: VisitorIdentity, input: SendMessageInput): Promise<Message> {
    const conversation = await requireOwnConversation(this.deps.db, visitor, input.conversationId);
    const { message, created } = await postMessage(this.deps.db, {
      conversationId: conversation.id,
      senderType: 'user',
      content: input.content,
      clientMessageId: input.clientMessageId,
    });
    if (created) {
      this.deps.broadcaster.message(message);
      this.deps.replies.enqueue(conversation, message);
    }
    return message;
  }
}
