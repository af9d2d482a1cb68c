import type { JoinedConversations } from '../joined-conversations.js';
import type { HandlerDeps } from './deps.js';
import { handle } from './handle.js';
import type { TipsySocket } from '../types.js';

export function registerConversationHandlers(socket: TipsySocket, { chat, log }: HandlerDeps, joined: JoinedConversations): void {
  handle(socket, log, 'join_conversation', async (conversationId) => {
    const conversation = await joined.join(conversationId);
    // Read once in the room: a takeover committed before is in this answer, one after reaches the room as answered_by.
    return { conversationId: conversation.id, ...(await chat.whoAnswers(conversation.id)) };
  });
}
