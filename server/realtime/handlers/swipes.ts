import type { JoinedConversations } from '../joined-conversations.js';
import type { HandlerDeps } from './deps.js';
import { handle } from './handle.js';
import type { TipsySocket } from '../types.js';

/** Regenerating the last reply and choosing among its versions. */
export function registerSwipeHandlers(socket: TipsySocket, { chat, log }: HandlerDeps, joined: JoinedConversations): void {
  handle(socket, log, 'regenerate', async (input) => {
    // Joined here as for a send, so the socket hears the new version stream.
    const conversation = await joined.joined(input.conversationId);
    return { message: await chat.regenerate(socket.data, input, conversation) };
  });
  handle(socket, log, 'choose_swipe', async (input) => {
    const conversation = await joined.joined(input.conversationId);
    return { message: await chat.chooseSwipe(socket.data, input, conversation) };
  });
}
