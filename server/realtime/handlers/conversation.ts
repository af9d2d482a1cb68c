import { Id, parseInput } from '../../chat/inputs.js';
import type { JoinedConversations } from '../joined-conversations.js';
import type { HandlerDeps } from './deps.js';
import { answer } from '../ack.js';
import type { TipsySocket } from '../types.js';

export function registerConversationHandlers(socket: TipsySocket, { log }: HandlerDeps, joined: JoinedConversations): void {
  socket.on('join_conversation', (conversationId, ack) =>
    answer(ack, log, async () => ({ conversationId: (await joined.join(parseInput(Id, conversationId))).id })),
  );
}
