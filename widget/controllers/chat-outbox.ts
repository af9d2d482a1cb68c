import type { SendAck } from '../../server/protocol/events.js';
import { outboxStore } from '../storage.js';
import type { ChatTarget } from '../transport/visitor-session.js';
import type { MessageList } from './message-list.js';
import { Outbox, type OutboxHooks, type OutboxItem } from './outbox.js';

/** A chat's outbox, kept per server, site, character and user: a reload (or another tab) finds what was left unsent. */
export function chatOutbox(target: ChatTarget, send: (item: OutboxItem) => Promise<SendAck>, hooks: OutboxHooks): Outbox {
  const { server, siteKey, character, user, characterDefinition } = target;
  return new Outbox(outboxStore(server, siteKey, JSON.stringify([character, characterDefinition?.name, user?.id])), send, hooks);
}

/**
 * Once a conversation's history is shown: its unsent messages stay in view (those history shows
 * arrived leave the outbox), and those written in another conversation leave the view (they still go there).
 */
export function showUnsent(outbox: Outbox, list: MessageList, conversationId: string): void {
  for (const item of outbox.items) {
    const entry = list.byClientId(item.clientMessageId);
    if ((item.conversationId ?? conversationId) !== conversationId) list.drop(item.clientMessageId);
    else if (entry?.status === 'sent') outbox.remove(item.clientMessageId);
    else if (!entry) list.addPending(item.clientMessageId, item.content, item.createdAt);
  }
}
