import type { ReactiveControllerHost } from 'lit';
import type { ErrorBody } from '../../server/protocol/errors.js';
import type { Message } from '../../server/protocol/message.js';
import type { ShownError } from '../error-words.js';
import { TipsyErrorEvent, TipsyMessageEvent } from '../events.js';
import type { Connection } from './live-sync.js';
import { MessageList } from './message-list.js';
import { Cooldown } from './cooldown.js';
import type { SessionStatus } from './status-key.js';

/**
 * What the chat shows, for the view to render, and what it tells the page as it changes: each
 * message stored (tipsy-message) and each error (tipsy-error). The session (chat-session.ts) and
 * the visitor's actions (chat-controller.ts) keep it current.
 */
export abstract class ChatState {
  readonly #host: ReactiveControllerHost;
  /** Where tipsy-* events fire: the <tipsy-chat> element. */
  protected readonly events: EventTarget;

  status: SessionStatus = 'idle';
  connection: Connection = 'offline';
  readonly list = new MessageList();
  characterTyping = false;
  /** The person answering in the character's place (live takeover), by name. */
  agent?: string;
  hasOlder = false;
  loadingOlder = false;
  error?: ShownError;
  /** While the server asks us to wait: sending is disabled and the view counts down. */
  readonly cooldown = new Cooldown(
    () => this.changed(),
    () => this.clearError('RATE_LIMITED'),
  );

  readonly #announced = new Set<string>();

  constructor(host: ReactiveControllerHost, events: EventTarget) {
    this.#host = host;
    this.events = events;
  }

  abstract get conversationId(): string | undefined;

  /** Starts over in the conversation the server opens: the one shown is gone. */
  abstract startOver(): Promise<void>;

  /** Whether the character is answering now (typing or streaming): the composer offers to stop it. A person typing in its place is not. */
  get answering(): boolean {
    return !this.agent && (this.characterTyping || this.list.streaming);
  }

  /** Renders the change. */
  changed(): void {
    this.#host.requestUpdate();
  }

  /** Merges a stored message; `announce` fires tipsy-message for one not seen complete before. */
  stored(message: Message, announce = true): void {
    if (message.conversation_id !== this.conversationId) return;
    const completed = this.list.confirm(message);
    if (completed && message.sender_type !== 'user') this.characterTyping = false;
    // A new version of a message is news; another version chosen is not.
    const version = `${message.id} ${message.swipe?.count}`;
    if (completed && !this.#announced.has(version)) {
      this.#announced.add(version);
      if (announce) this.events.dispatchEvent(new TipsyMessageEvent(message));
    }
    this.changed();
  }

  report(error: ErrorBody): void {
    // The conversation shown is gone (erased from another tab): start over in the one the server opens.
    if (error.code === 'NOT_FOUND' && this.status === 'ready') queueMicrotask(() => void this.startOver());
    this.error = error;
    this.events.dispatchEvent(new TipsyErrorEvent(error));
    this.changed();
  }

  clearError(code: ErrorBody['code']): void {
    if (this.error?.code === code) this.error = undefined;
    this.changed();
  }

  dismissError(): void {
    this.error = undefined;
    this.changed();
  }

  /** Shows no session: no messages, no connection, no error. */
  protected clear(): void {
    this.list.clear();
    this.#announced.clear();
    this.status = 'idle';
    this.connection = 'offline';
    this.characterTyping = false;
    this.agent = this.error = undefined;
  }
}
