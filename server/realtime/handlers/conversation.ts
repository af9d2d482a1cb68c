import type { JoinedConversations } from '../joined-conversations.js';
import type { HandlerDeps } from './deps.js';
import { handle } from './handle.js';
import type { TipsySocket } from '../types.js';

export function registerConversationHandlers(socket: TipsySocket, { log }: HandlerDeps, joined: JoinedConversations): void {
  handle(socket, log, 'join_conversation', async (conversationId) => ({
    conversationId: (await joined.join(conversationId)).id,
  }));
}
