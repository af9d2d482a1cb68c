import type { ErrorBody } from '../../server/protocol/errors.js';
import type { SendAck } from '../../server/protocol/events.js';
import type { Message } from '../../server/protocol/message.js';
import type { MessageList } from './message-list.js';

/** What changing the last message needs of the chat. */
export interface VersionsHost {
  readonly list: MessageList;
  conversationId(): string | undefined;
  /** Whether anything may be sent now (the session is up, online, not cooling down, no reply under way). */
  canSend(): boolean;
  regenerate(conversationId: string): Promise<SendAck>;
  choose(conversationId: string, messageId: string, index: number): Promise<SendAck>;
  stored(message: Message): void;
  failed(error: ErrorBody): void;
  changed(): void;
}

/**
 * The versions of the conversation's last message (a character's): a new one written again
 * (regenerate), or another one shown (a swipe). One request at a time; the answer is the
 * message as now stored, at a later seq, which the list takes as a replacement. A new version
 * then streams in like a reply, and other tabs get the change through the room.
 */
export class Versions {
  #asking = false;
  readonly #host: VersionsHost;

  constructor(host: VersionsHost) {
    this.#host = host;
  }

  /** Whether the last message can change now. */
  get ready(): boolean {
    return this.#host.canSend() && !this.#asking;
  }

  cancel(): void {
    this.#asking = false;
  }

  /** A new version of the last message, or, with `index`, another of its versions. */
  async change(index?: number): Promise<void> {
    const host = this.#host;
    const last = host.list.entries.at(-1);
    const conversationId = host.conversationId();
    if (!this.ready || !last?.id || !conversationId) return;
    this.#asking = true;
    host.changed();
    const ack = await (index === undefined ? host.regenerate(conversationId) : host.choose(conversationId, last.id, index));
    this.#asking = false;
    if (ack.ok) host.stored(ack.message);
    else host.failed(ack.error);
  }
}
