import { parseInput, SendMessageInput, StopInput } from '../../chat/inputs.js';
import type { JoinedConversations } from '../joined-conversations.js';
import type { HandlerDeps } from './deps.js';
import { answer } from '../ack.js';
import type { TipsySocket } from '../types.js';

export function registerMessageHandlers(socket: TipsySocket, { chat, log }: HandlerDeps, joined: JoinedConversations): void {
  socket.on('send_message', (payload, ack) =>
    answer(ack, log, async () => {
      const input = parseInput(SendMessageInput, payload);
      // Clients of the original design send without joining first: they are joined here, so they hear the reply.
      const conversation = await joined.joined(input.conversationId);
      return { message: await chat.send(socket.data, input, conversation) };
    }),
  );
  socket.on('stop_generation', (payload, ack) =>
    answer(ack, log, () => chat.stop(socket.data, parseInput(StopInput, payload).conversationId)),
  );
}
