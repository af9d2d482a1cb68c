import type { ConversationBroadcaster } from '../chat/broadcaster.js';
import { conversationRoom, type TipsyServer } from './types.js';

/** Broadcasts to conversation rooms; `shared` when other processes listen through the adapter. */
export function roomBroadcaster(io: TipsyServer, shared: boolean): ConversationBroadcaster {
  return {
    stopElsewhere: (conversationId) => {
      if (shared) io.serverSideEmit('stop_generation', conversationId);
    },
    message: (message) => io.to(conversationRoom(message.conversation_id)).emit('receive_message', message),
    typing: (event) => io.to(conversationRoom(event.conversation_id)).emit('typing', event),
    stream: (event) => io.to(conversationRoom(event.conversation_id)).emit('message_stream', event),
    answeredBy: (event) => io.to(conversationRoom(event.conversation_id)).emit('answered_by', event),
  };
}
