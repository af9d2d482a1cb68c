import { parseInput, SendMessageInput, StopInput } from '../../chat/inputs.js';
import type { JoinedConversations } from '../joined-conversations.js';
import type { HandlerDeps } from './deps.js';
import { answer } from '../ack.js';
import { conversationRoom, type TipsySocket } from '../types.js';

export function registerMessageHandlers(socket: TipsySocket, { chat, log }: HandlerDeps, joined: JoinedConversations): void {
  socket.on('send_message', (payload, ack) =>
    answer(ack, log, async () => {
      const input = parseInput(SendMessageInput, payload);
      let conversation = joined.get(input.conversationId);
      // Clients of the original design send without joining first: join them, so they hear the reply.
      if (!conversation || !socket.rooms.has(conversationRoom(conversation.id))) {
        conversation = await chat.join(socket.data, input.conversationId);
        await socket.join(conversationRoom(conversation.id));
        joined.add(conversation);
      }
      return { message: await chat.send(socket.data, input, conversation) };
    }),
  );
  socket.on('stop_generation', (payload, ack) =>
    answer(ack, log, () => chat.stop(socket.data, parseInput(StopInput, payload).conversationId)),
  );
}
