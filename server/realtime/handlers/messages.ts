import { parseInput, SendMessageInput, StopInput } from '../../chat/inputs.js';
import type { HandlerDeps } from './deps.js';
import { answer } from '../ack.js';
import { conversationRoom, type TipsySocket } from '../types.js';

export function registerMessageHandlers(socket: TipsySocket, { chat, log }: HandlerDeps): void {
  socket.on('send_message', (payload, ack) =>
    answer(ack, log, async () => {
      const input = parseInput(SendMessageInput, payload);
      const room = conversationRoom(input.conversationId);
      // Clients of the original design send without joining first: join them, so they hear the reply.
      if (!socket.rooms.has(room)) await socket.join(conversationRoom(await chat.join(socket.data, input.conversationId)));
      return { message: await chat.send(socket.data, input) };
    }),
  );
  socket.on('stop_generation', (payload, ack) =>
    answer(ack, log, () => chat.stop(socket.data, parseInput(StopInput, payload).conversationId)),
  );
}
