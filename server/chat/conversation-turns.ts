/**
 * A conversation's turn to be answered, shared by every server process: while
 * one process's reply holds it, no other process starts a reply in that
 * conversation. Implemented over Redis (realtime/redis-conversation-turns.ts);
 * without Redis there is one process, and the ReplyRunner's own chain suffices.
 */
export interface ConversationTurns {
  /**
   * Waits for the conversation's turn (as long as a reply may run, then gives
   * up with undefined), or for `signal` (shutdown: undefined). A shared store
   * that is away yields a turn that guards nothing: this process goes on alone.
   */
  take(conversationId: string, signal: AbortSignal): Promise<Turn | undefined>;
}

export interface Turn {
  /** The seq of the latest visitor message any process's reply has answered (0: none known). */
  readonly answeredSeq: number;
  /** Aborts when the turn was lost (it expired and another process took it): the reply stops there. */
  readonly lost: AbortSignal;
  /** Gives the turn back, recording the visitor message the reply answered, if it answered one. */
  end(answeredSeq?: number): Promise<void>;
}
