import { z } from 'zod';
import { PageCharacterInput } from '../characters/inputs.js';
import { TipsyError } from '../errors.js';
import { AGENT_NAME_MAX_CHARS } from '../protocol/agent.js';
import { BOUNDS } from '../protocol/bounds.js';
import { ChooseSwipePayload, Id, RegeneratePayload, SendMessagePayload, StopGenerationPayload, TypingPayload } from '../protocol/payloads.js';
import { LineText, Text } from '../text.js';

export { clip, LineText, MultilineText, Text } from '../text.js';
export { Id } from '../protocol/payloads.js';

/**
 * Input schemas shared by both transports, so a rule is written once.
 * Unknown fields are dropped (zod's default for objects). Every string is
 * built on Text: it must be well-formed Unicode, or it is refused.
 * What a client sends over the socket is the contract's (protocol/payloads.ts).
 */

/** A host site's own user id: hashed and compared exactly as given, so never cleaned, only checked. */
export const ExternalUserId = Text.min(1).max(255);

/** A display name: one line, control characters removed. */
export const DisplayName = LineText.trim().min(1).max(100);

/** `message.send` and `message.stop` take the socket's payloads: one schema for both transports. */
export const SendMessageInput = SendMessagePayload;
export type SendMessageInput = z.infer<typeof SendMessageInput>;
export const StopInput = StopGenerationPayload;

/** `message.regenerate` and `message.chooseSwipe` take the socket's payloads too. */
export const RegenerateInput = RegeneratePayload;
export type RegenerateInput = z.infer<typeof RegenerateInput>;
export const ChooseSwipeInput = ChooseSwipePayload;
export type ChooseSwipeInput = z.infer<typeof ChooseSwipeInput>;

/** `conversation.create`, `.list` and `.erase`: one of the visitor's conversations (naming the character, or the one to erase). */
export const ConversationInput = z.object({ conversationId: Id });
export type ConversationInput = z.infer<typeof ConversationInput>;

/** The display name of a person answering in the character's place (live takeover): one line, control characters removed. */
export const AgentName = LineText.trim().min(1).max(AGENT_NAME_MAX_CHARS);

/** `admin.conversations.takeOver`: one of the site's conversations, and the name the visitor sees. */
export const TakeOverInput = z.object({ conversationId: Id, name: AgentName });
export type TakeOverInput = z.infer<typeof TakeOverInput>;

/** `admin.conversations.reply` and `.typing` take what a visitor's send and typing take: the same bounds. */
export const AgentReplyInput = SendMessagePayload;
export type AgentReplyInput = z.infer<typeof AgentReplyInput>;
export const AgentTypingInput = TypingPayload;

/** A history cursor: a message's `seq`, as a string. */
export const Cursor = z.string().regex(/^\d{1,15}$/, 'A cursor is a nextCursor or a message seq.');

export const HistoryInput = z
  .object({
    conversationId: Id,
    /** Pages backwards: the messages before this cursor. */
    before: Cursor.optional(),
    /** Pages forwards: the messages after this cursor (catch-up after a reconnect). */
    after: Cursor.optional(),
    limit: z.number().int().min(1).max(BOUNDS.historyPageMax).default(BOUNDS.historyPageDefault),
  })
  .refine((input) => input.before === undefined || input.after === undefined, 'Give before or after, not both.');
export type HistoryInput = z.infer<typeof HistoryInput>;

/** A host site's signed-in user: `hash` is the hex HMAC-SHA256 of `id` under the site's identity secret. */
export const VerifiedUserInput = z.object({
  id: ExternalUserId,
  hash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'user-hash must be 64 hex characters.'),
  name: DisplayName.optional(),
});

export const SessionStartInput = z.object({
  siteKey: Text.min(1).max(128),
  character: Text.trim().min(1).max(64).optional(),
  visitorToken: Text.min(1).max(2048).optional(),
  user: VerifiedUserInput.optional(),
  /** A character defined by the page's attributes (the site must allow it); `character` is then its slug. */
  characterDefinition: PageCharacterInput.optional(),
});
export type SessionStartInput = z.infer<typeof SessionStartInput>;

type Issue = { path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>; message: string };

/** Turns validation issues (zod's, or any Standard Schema's) into one readable sentence. */
export function describeIssues(issues: ReadonlyArray<Issue>): string {
  const first = issues[0];
  if (!first) return 'The request is not valid.';
  const path = (first.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p));
  return `${path.length ? `${path.join('.')}: ` : ''}${first.message}`;
}

/** Parses untrusted input with a shared schema, or throws INVALID_INPUT. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new TipsyError('INVALID_INPUT', describeIssues(result.error.issues));
  return result.data;
}
