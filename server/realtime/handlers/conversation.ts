import { Id, parseInput } from '../../chat/inputs.js';
import type { JoinedConversations } from '../joined-conversations.js';
import type { HandlerDeps } from './deps.js';
import { answer } from '../ack.js';
import { conversationRoom, type TipsySocket } from '../types.js';

export function registerConversationHandlers(socket: TipsySocket, { chat, log }: HandlerDeps, joined: JoinedConversations): void {
  socket.on('join_conversation', (conversationId, ack) =>
    answer(ack, log, async () => {
      const conversation = await chat.join(socket.data, parseInput(Id, conversationId));
      await socket.join(conversationRoom(conversation.id));
      joined.add(conversation);
      return { conversationId: conversation.id };
    }),
  );
}
