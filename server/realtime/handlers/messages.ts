import type { JoinedConversations } from '../joined-conversations.js';
import type { HandlerDeps } from './deps.js';
import { handle } from './handle.js';
import type { TipsySocket } from '../types.js';

export function registerMessageHandlers(socket: TipsySocket, { chat, log }: HandlerDeps, joined: JoinedConversations): void {
  handle(socket, log, 'send_message', async (input) => {
    // Clients of the original design send without joining first: they are joined here, so they hear the reply.
    const conversation = await joined.joined(input.conversationId);
    return { message: await chat.send(socket.data, input, conversation) };
  });
  handle(socket, log, 'stop_generation', ({ conversationId }) => chat.stop(socket.data, conversationId));
}
