import { agentOf } from '../../chat/answering.js';
import type { JoinedConversations } from '../joined-conversations.js';
import type { HandlerDeps } from './deps.js';
import { handle } from './handle.js';
import type { TipsySocket } from '../types.js';

export function registerConversationHandlers(socket: TipsySocket, { log }: HandlerDeps, joined: JoinedConversations): void {
  handle(socket, log, 'join_conversation', async (conversationId) => {
    // Read afresh on every join, so a rejoining client learns whether a person answers now.
    const conversation = await joined.join(conversationId);
    return { conversationId: conversation.id, ...agentOf(conversation) };
  });
}
