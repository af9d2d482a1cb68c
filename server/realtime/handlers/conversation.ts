import { Id, parseInput } from '../../chat/inputs.js';
import type { HandlerDeps } from './deps.js';
import { answer } from '../ack.js';
import { conversationRoom, type TipsySocket } from '../types.js';

export function registerConversationHandlers(socket: TipsySocket, { chat, log }: HandlerDeps): void {
  socket.on('join_conversation', (conversationId, ack) =>
    answer(ack, log, async () => {
      const id = await chat.join(socket.data, parseInput(Id, conversationId));
      await socket.join(conversationRoom(id));
      return { conversationId: id };
    }),
  );
}
