import type { AnsweredByEvent, MessageStreamEvent, TypingEvent } from '../protocol/events.js';
import type { Message } from '../protocol/message.js';

/**
 * How the domain tells everyone in a conversation what happened, without
 * knowing the transport (the realtime layer implements it over rooms).
 */
export interface ConversationBroadcaster {
  message(message: Message): void;
  typing(event: TypingEvent): void;
  stream(event: MessageStreamEvent): void;
  /** A person took the conversation over, or handed it back to the character. */
  answeredBy(event: AnsweredByEvent): void;
  /** Asks the other server processes to stop the conversation's reply (this one stops its own). */
  stopElsewhere(conversationId: string): void;
}
