import type { ConversationBroadcaster } from '../chat/broadcaster.js';
import { conversationRoom, type TipsyServer } from './types.js';

export function roomBroadcaster(io: TipsyServer): ConversationBroadcaster {
  return {
    message: (message) => io.to(conversationRoom(message.conversation_id)).emit('receive_message', message),
    typing: (event) => io.to(conversationRoom(event.conversation_id)).emit('typing', event),
    stream: (event) => io.to(conversationRoom(event.conversation_id)).emit('message_stream', event),
  };
}
