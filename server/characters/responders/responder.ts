import type { CharacterRow } from '../../db/tables.js';
import type { Message } from '../../protocol/message.js';

export interface ReplyRequest {
  character: CharacterRow;
  /** Recent messages, oldest first, ending with the one to answer. */
  history: readonly Message[];
  signal: AbortSignal;
  /** The visitor's verified name, for `{{user}}`; absent or null: "you". */
  userName?: string | null;
  /** Told the tokens the reply used, when the endpoint says (else the runner estimates them). */
  reportUsage?: (usage: ModelUsage) => void;
}

/** Tokens a reply used: its prompt (in) and its words (out). */
export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Anything that can speak for a character: yields the reply as text chunks, in order. */
export interface Responder {
  reply(request: ReplyRequest): AsyncIterable<string>;
  /** A responder that never answers: the runner skips all reply work (no context, no typing). */
  readonly silent?: boolean;
}
