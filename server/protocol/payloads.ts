import { z } from 'zod';
import { MultilineText, Text } from '../text.js';
import { BOUNDS, CONVERSATION_BOUNDS } from './bounds.js';

/**
 * What a client sends over the socket, as the schemas the server parses it with.
 * The event map's payload types (events.ts) are these schemas' inputs, and tRPC's
 * `message.send` and `message.stop` take the same schemas (chat/inputs.ts), so the
 * two transports and their clients cannot disagree. Zod runs here: clients import
 * this file's types only (pure constants they need live in files without zod).
 */

/** An id a client names (a conversation, a key): never changed, only checked. */
export const Id = Text.trim().min(1).max(64);

/** Kept as written, but for control characters other than tab and newline, which are removed. */
export const MessageContent = MultilineText.max(
  BOUNDS.messageMaxChars,
  `A message can have at most ${BOUNDS.messageMaxChars} characters.`,
).refine((s) => s.trim().length > 0, 'A message cannot be empty.');

/** `join_conversation`'s payload: the conversation's id, bare (as the original design sends it). */
export const JoinConversationPayload = Id;
export type JoinConversationPayload = z.input<typeof JoinConversationPayload>;

export const SendMessagePayload = z.object({
  conversationId: Id,
  content: MessageContent,
  /** The client's own id for this send: a retry with the same one stores nothing twice. */
  clientMessageId: Text.min(1).max(64).optional(),
});
export type SendMessagePayload = z.input<typeof SendMessagePayload>;

export const TypingPayload = z.object({
  conversationId: Id,
  typing: z.boolean(),
});
export type TypingPayload = z.input<typeof TypingPayload>;

export const StopGenerationPayload = z.object({ conversationId: Id });
export type StopGenerationPayload = z.input<typeof StopGenerationPayload>;

/** Asks for a new version of the conversation's last message (a character's reply, finished). */
export const RegeneratePayload = z.object({ conversationId: Id });
export type RegeneratePayload = z.input<typeof RegeneratePayload>;

/** Shows another version of the conversation's last message; an index past its versions is refused (INVALID_INPUT). */
export const ChooseSwipePayload = z.object({
  conversationId: Id,
  messageId: Id,
  index: z.number().int().min(0).max(CONVERSATION_BOUNDS.swipesMax - 1),
});
export type ChooseSwipePayload = z.input<typeof ChooseSwipePayload>;

/** Each client event's schema, by name: the socket's handlers parse with nothing else (realtime/handlers/handle.ts). */
export const CLIENT_PAYLOADS = {
  join_conversation: JoinConversationPayload,
  send_message: SendMessagePayload,
  typing: TypingPayload,
  stop_generation: StopGenerationPayload,
  regenerate: RegeneratePayload,
  choose_swipe: ChooseSwipePayload,
} as const;
