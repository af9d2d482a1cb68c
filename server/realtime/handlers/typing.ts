import { notFound } from '../../errors.js';
import { conversationRoom, type TipsySocket } from '../types.js';
import type { HandlerDeps } from './deps.js';
import { handle } from './handle.js';

export function registerTypingHandlers(socket: TipsySocket, { log }: HandlerDeps): void {
  handle(socket, log, 'typing', ({ conversationId, typing }) => {
    const room = conversationRoom(conversationId);
    // Only a joined room counts: joining is where ownership was checked.
    if (!socket.rooms.has(room)) throw notFound('The conversation');
    socket.to(room).emit('typing', { conversation_id: conversationId, sender_type: 'user', typing });
    return {};
  });
}
