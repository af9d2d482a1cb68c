import { TypingInput } from '../../chat/inputs.js';
import { conversationRoom, type TipsySocket } from '../types.js';

export function registerTypingHandlers(socket: TipsySocket): void {
  socket.on('typing', (payload) => {
    const parsed = TypingInput.safeParse(payload);
    if (!parsed.success) return;
    const room = conversationRoom(parsed.data.conversationId);
    // Only a joined room counts: joining is where ownership was checked.
    if (!socket.rooms.has(room)) return;
    socket.to(room).emit('typing', {
      conversation_id: parsed.data.conversationId,
      sender_type: 'user',
      typing: parsed.data.typing,
    });
  });
}
