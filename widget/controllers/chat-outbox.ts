import type { SendAck, SendMessagePayload } from '../../server/protocol/events.js';
import { outboxStore } from '../storage.js';
import type { VisitorSession } from '../transport/visitor-session.js';
import type { ChatState } from './chat-state.js';
import { newClientId } from './client-id.js';
import { Outbox } from './outbox.js';

/**
 * The visitor's messages on their way: shown at once as pending, and kept in an outbox per server,
 * site, character and user, so a reload (or another tab) finds what was left unsent.
 */
export class ChatOutbox extends Outbox {
  readonly #chat: ChatState;

  /** Opens this chat's outbox: messages an earlier page (or tab) left unsent show as pending at once. */
  constructor(chat: ChatState, session: VisitorSession, send: (payload: SendMessagePayload) => Promise<SendAck>) {
    const { server, siteKey, character, user, characterDefinition } = session.target;
    super(
      outboxStore(server, siteKey, JSON.stringify([character, characterDefinition?.name, user?.id])),
      // Each message goes to the conversation it was written in, whichever is shown now.
      (item) => send({ conversationId: item.conversationId ?? session.conversationId!, content: item.content, clientMessageId: item.clientMessageId }),
      {
        stored: (message) => {
          chat.clearError('UNAVAILABLE');
          chat.stored(message);
        },
        rejected: (item, error) => {
          chat.list.fail(item.clientMessageId, error);
          chat.report(error);
        },
        waiting: (error, ms) => {
          if (error.code === 'RATE_LIMITED') chat.cooldown.start(ms);
          chat.report(error);
        },
      },
    );
    this.#chat = chat;
    // Shown at once, before the session says which conversation opens (then only its own stay in view).
    for (const item of this.items) chat.list.addPending(item.clientMessageId, item.content, item.createdAt);
  }

  /** A message written in `conversationId`: shown at once, stored when the server can. */
  send(content: string, conversationId?: string): void {
    const item = { clientMessageId: newClientId(), content, createdAt: new Date().toISOString(), conversationId };
    this.#chat.list.addPending(item.clientMessageId, content, item.createdAt);
    this.#chat.changed();
    this.add(item);
  }

  /** Sends again a message that could not be sent. */
  retry(clientMessageId: string, conversationId?: string): void {
    const entry = this.#chat.list.markPending(clientMessageId);
    this.#chat.changed();
    if (entry) this.add({ clientMessageId, content: entry.content, createdAt: entry.createdAt, conversationId });
  }

  /**
   * Once a conversation's history is shown: its unsent messages stay in view (those history shows
   * arrived leave the outbox), and those written in another conversation leave the view (they still go there).
   */
  showUnsent(conversationId: string): void {
    const list = this.#chat.list;
    for (const item of this.items) {
      const entry = list.byClientId(item.clientMessageId);
      if ((item.conversationId ?? conversationId) !== conversationId) list.drop(item.clientMessageId);
      else if (entry?.status === 'sent') this.remove(item.clientMessageId);
      else if (!entry) list.addPending(item.clientMessageId, item.content, item.createdAt);
    }
  }
}
