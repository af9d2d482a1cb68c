import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { BOUNDS } from '../../server/protocol/bounds.js';
import type { ChatWords } from '../i18n/chat-locale.js';
import { ChatSession } from './chat-session.js';
import { TypingNotifier } from './typing-notifier.js';
import { Versions } from './versions.js';
import { statusKey, type SessionStatus, type StatusKey } from './status-key.js';

export type { SessionStatus };

/**
 * The chat as the view (widget/chat/chat-view.ts) drives it: the visitor's messages, sent through
 * a persistent outbox (chat-outbox.ts), typing, another version of the last reply, and the one
 * status the header shows. The session underneath (chat-session.ts) starts, loads history and
 * keeps the connection; the view only renders the state (chat-state.ts).
 */
export class ChatController extends ChatSession implements ReactiveController {
  readonly #typingNotifier = new TypingNotifier((typing) => {
    if (this.live?.online && this.conversationId) this.live.typing(this.conversationId, typing);
  });

  constructor(host: ReactiveControllerHost, events: EventTarget, words: ChatWords) {
    super(host, events, words);
    host.addController(this);
  }

  /** The one status the header shows (see status-key.ts). */
  get statusKey(): StatusKey {
    return statusKey(this.status, this.connection, this.offline && this.accepting, this.characterTyping);
  }

  /** The last message's versions: written again, or another one shown. */
  readonly versions = new Versions({
    list: this.list,
    conversationId: () => this.conversationId,
    canSend: () => this.status === 'ready' && !this.offline && !this.cooldown.active && !this.answering,
    regenerate: (conversationId) => this.ask('regenerate', { conversationId }),
    choose: (conversationId, messageId, index) => this.ask('choose_swipe', { conversationId, messageId, index }),
    stored: (message) => this.stored(message),
    failed: (error) => {
      if (error.code === 'RATE_LIMITED') this.cooldown.start(error.retryAfterMs ?? 2000);
      this.report(error);
    },
    changed: () => this.changed(),
  });

  override stop(): void {
    super.stop();
    this.versions.cancel();
  }

  /** Sends a message (shown at once, stored when the server can); false when it cannot be taken now. */
  send(text: string): boolean {
    const content = text.trim();
    if (!content || !this.accepting || !this.outbox || this.cooldown.active) return false;
    if (content.length > BOUNDS.messageMaxChars) {
      const max = this.words.number(BOUNDS.messageMaxChars);
      this.report({ code: 'INVALID_INPUT', message: this.words.t('tooLong', { max }) });
      return false;
    }
    this.#typingNotifier.stop();
    this.outbox.send(content, this.conversationId);
    return true;
  }

  retry(clientMessageId: string): void {
    this.outbox?.retry(clientMessageId, this.conversationId);
  }

  /** Tells the room the visitor is typing; stops by itself after a pause. */
  typing(): void {
    this.#typingNotifier.typed();
  }
}
