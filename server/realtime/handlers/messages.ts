import { parseInput, SendMessageInput } from '../../chat/inputs.js';
import type { HandlerDeps } from './deps.js';
import { answer } from '../ack.js';
import { conversationRoom, type TipsySocket } from '../types.js';

export function registerMessageHandlers(socket: TipsySocket, { chat, log }: HandlerDeps): void {
  socket.on('send_message', (payload, ack) =>
    answer(ack, log, async () => {
      const input = parseInput(SendMessageInput, payload);
      // Owning the conversation is checked by chat.send; clients of the original design send without joining first.
      const message = await chat.send(socket.data, input);
      await socket.join(conversationRoom(message.conversation_id));
      return { message };
    }),
  );
}
