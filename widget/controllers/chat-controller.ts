import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ErrorBody } from '../../server/protocol/errors.js';
import type { ClientToServerEvents } from '../../server/protocol/events.js';
import { BOUNDS } from '../../server/protocol/bounds.js';
import type { CharacterView } from '../../server/protocol/character.js';
import type { Message } from '../../server/protocol/message.js';
import type { ShownError } from '../error-words.js';
import { TipsyConversationEvent, TipsyErrorEvent, TipsyMessageEvent, TipsyReadyEvent } from '../events.js';
import type { ChatWords } from '../i18n/chat-locale.js';
import { errorBodyOf, type Api } from '../transport/api.js';
import type { AskEvent, LiveConnection } from '../transport/live-connection.js';
import { sameTarget, VisitorSession, type ChatTarget } from '../transport/visitor-session.js';
import { newClientId } from './client-id.js';
import { Cooldown } from './cooldown.js';
import type { HistorySync } from './history-sync.js';
import { startLiveSync, type Connection } from './live-sync.js';
import { MessageList } from './message-list.js';
import type { Outbox } from './outbox.js';
import { chatOutbox, showUnsent } from './chat-outbox.js';
import { TypingNotifier } from './typing-notifier.js';
import { statusKey, type SessionStatus, type StatusKey } from './status-key.js';
import { StartRetry } from './start-retry.js';
import { Versions } from './versions.js';

const NETWORK_EVENTS = ['online', 'offline'];

export type { SessionStatus };

/**
 * Owns one visitor session: starts it over tRPC, loads history, keeps a live
 * socket (or polls when none can be had), and sends through a persistent
 * outbox. The view (widget/chat/chat-view.ts) only renders its state.
 */
export class ChatController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  /** Where tipsy-* events fire: the <tipsy-chat> element. */
  readonly #events: EventTarget;
  /** For the words of the errors found here (the visitor sees them). */
  readonly #words: ChatWords;

  status: SessionStatus = 'idle';
  connection: Connection = 'offline';
  readonly list = new MessageList();
  characterTyping = false;
  hasOlder = false;
  loadingOlder = false;
  error?: ShownError;
  /** While the server asks us to wait: sending is disabled and the view counts down. */
  readonly cooldown = new Cooldown(
    () => this.#host.requestUpdate(),
    () => this.#clearError('RATE_LIMITED'),
  );

  #session?: VisitorSession;
  #live?: LiveConnection;
  #outbox?: Outbox;
  #sync?: HistorySync;
  #olderCursor: string | null = null;
  readonly #announced = new Set<string>();
  readonly #typingNotifier = new TypingNotifier((typing) => {
    if (this.#live?.online && this.conversationId) this.#live.typing(this.conversationId, typing);
  });
  /** Bumped by stop(), so work started before it does not touch the state after it. */
  #run = 0;
  readonly #retry = new StartRetry();
  /** The browser said it is offline: shown at once, long before the socket's ping notices. */
  #offline = !navigator.onLine;

  constructor(host: ReactiveControllerHost, events: EventTarget, words: ChatWords) {
    this.#host = host;
    this.#events = events;
    this.#words = words;
    host.addController(this);
  }

  get character(): CharacterView | undefined {
    return this.#session?.character;
  }

  get conversationId(): string | undefined {
    return this.#session?.conversationId;
  }

  hostConnected(): void {
    for (const type of NETWORK_EVENTS) addEventListener(type, this.#onNetwork);
    // Moved in the DOM after a disconnect: let the next update start the session again.
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    for (const type of NETWORK_EVENTS) removeEventListener(type, this.#onNetwork);
    this.stop();
  }

  /** The one status the header shows (see status-key.ts). */
  get statusKey(): StatusKey {
    return statusKey(this.status, this.connection, this.#offline && this.accepting, this.characterTyping);
  }

  /** Whether the site lets the visitor start a new conversation. */
  get newConversations(): boolean {
    return !!this.#session?.newConversations;
  }

  /** The last message's versions: written again, or another one shown. */
  readonly versions = new Versions({
    list: this.list,
    conversationId: () => this.conversationId,
    canSend: () => this.status === 'ready' && !this.#offline && !this.cooldown.active && !this.answering,
    regenerate: (conversationId) => this.#ask('regenerate', { conversationId }),
    choose: (conversationId, messageId, index) => this.#ask('choose_swipe', { conversationId, messageId, index }),
    stored: (message) => this.#onStored(message),
    failed: (error) => {
      if (error.code === 'RATE_LIMITED') this.cooldown.start(error.retryAfterMs ?? 2000);
      this.#report(error);
    },
    changed: () => this.#host.requestUpdate(),
  });

  /** Starts (or restarts, for another site, character or user) the session; `moved` fires tipsy-conversation, not tipsy-ready. */
  async start(target: ChatTarget, moved?: boolean): Promise<void> {
    if (this.status !== 'idle' && sameTarget(this.#session?.target, target)) return;
    this.stop();
    const run = this.#run;
    const session = (this.#session = new VisitorSession(target, () => this.#restart()));
    if (target.user && !target.user.hash) {
      // Never fall back to an anonymous chat when the page meant a signed-in user.
      this.#setStatus('failed');
      return this.#report({ code: 'IDENTITY_REJECTED', message: 'user-id was given without user-hash.' });
    }
    this.#setStatus('starting');
    this.#openOutbox(session);
    await this.#enter(session, run, () => session.start(), moved);
  }

  /** Starts over in the conversation the server opens, as on a first visit: the one shown is gone (erased). */
  async startOver(): Promise<void> {
    const target = this.#session?.target;
    if (!target) return;
    this.status = 'idle';
    await this.start(target, true);
  }

  /** Moves to another of the visitor's conversations with the character: its history, its unsent messages, its room. */
  async openConversation(conversationId: string): Promise<void> {
    const session = this.#session;
    if (!session || conversationId === this.conversationId) return;
    const run = ++this.#run;
    this.#sync?.stopPolling();
    this.#live?.close();
    this.#live = this.#sync = undefined;
    this.list.clear();
    this.characterTyping = this.hasOlder = false;
    this.error = undefined;
    session.open(conversationId);
    this.#setStatus('starting');
    await this.#enter(session, run, undefined, true);
  }

  /** A tRPC call as the visitor, about the conversation shown; a failure is shown (and thrown). */
  async call<T>(call: (api: Api, conversationId: string) => Promise<T>): Promise<T> {
    const session = this.#session!;
    try {
      return await session.call((api) => call(api, session.conversationId!));
    } catch (error) {
      this.#report(errorBodyOf(error));
      throw error;
    }
  }

  /**
   * Shows the session's conversation: `begin` first (the session's start), then the latest page of
   * history, the outbox's messages for it, and the live connection. Once shown, tipsy-ready fires,
   * or tipsy-conversation when the visitor `moved` to another conversation.
   */
  async #enter(session: VisitorSession, run: number, begin?: () => Promise<unknown>, moved?: boolean): Promise<void> {
    const outbox = this.#outbox!;
    try {
      await begin?.();
      const page = await session.history();
      if (run !== this.#run) return; // stopped (or restarted, or moved on) meanwhile
      const conversationId = session.conversationId!;
      for (const message of page.messages) {
        this.list.heard(message.seq);
        this.#onStored(message, false);
      }
      this.#olderCursor = page.nextCursor;
      this.hasOlder = page.nextCursor !== null;
      this.#retry.succeeded();
      // What an earlier page left unsent goes out first (unless history shows it arrived).
      showUnsent(outbox, this.list, conversationId);
      outbox.wake();
      this.#setStatus('ready');
      this.#events.dispatchEvent(moved ? new TipsyConversationEvent({ conversationId }) : new TipsyReadyEvent({ conversationId, character: session.character! }));
      this.#connect(session);
    } catch (error) {
      if (run !== this.#run) return;
      const body = errorBodyOf(error);
      this.#setStatus('failed');
      this.#report(body);
      this.error = this.#retry.failed(body, session.target.siteKey, this.#words, () => this.#retryStart(session.target));
    }
  }

  stop(): void {
    this.#run++;
    this.#retry.cancel();
    this.cooldown.cancel();
    this.#sync?.stopPolling();
    this.#outbox?.stop();
    this.#live?.close();
    this.#live = this.#outbox = this.#sync = this.#session = undefined;
    this.list.clear();
    this.#announced.clear();
    this.status = 'idle';
    this.connection = 'offline';
    this.characterTyping = false;
    this.error = undefined;
    this.versions.cancel();
  }

  /** Whether the visitor can write now: the session is up, coming up, or being retried (queued meanwhile). */
  get accepting(): boolean {
    return this.status === 'ready' || this.status === 'starting' || (this.status === 'failed' && this.#retry.waiting && !this.#retry.busy);
  }

  /** Sends a message (shown at once, stored when the server can); false when it cannot be taken now. */
  send(text: string): boolean {
    const content = text.trim();
    if (!content || !this.accepting || !this.#outbox || this.cooldown.active) return false;
    if (content.length > BOUNDS.messageMaxChars) {
      const max = this.#words.number(BOUNDS.messageMaxChars);
      this.#report({ code: 'INVALID_INPUT', message: this.#words.t('tooLong', { max }) });
      return false;
    }
    const item = { clientMessageId: newClientId(), content, createdAt: new Date().toISOString(), conversationId: this.conversationId };
    this.list.addPending(item.clientMessageId, content, item.createdAt);
    this.#typingNotifier.stop();
    this.#host.requestUpdate();
    this.#outbox.add(item);
    return true;
  }

  /** Stops the character's reply: what it said so far stays. */
  stopReply(): void {
    if (!this.#session?.conversationId) return;
    // The server stores a stopped reply as complete: only this client knows it was stopped.
    this.list.stopStreaming();
    if (this.#live?.online) this.#live.stopGeneration(this.#session.conversationId);
    else void this.#session.stopOverHttp().catch((error: unknown) => this.#report(errorBodyOf(error)));
  }

  /** Over the socket when it is up, else over HTTP. */
  #ask<E extends AskEvent>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]) {
    return this.#live?.online ? this.#live.ask(event, payload) : this.#session!.askOverHttp(event, payload);
  }

  /** Whether the character is answering now (typing or streaming): the composer offers to stop it. */
  get answering(): boolean {
    return this.characterTyping || this.list.streaming;
  }

  retry(clientMessageId: string): void {
    const entry = this.list.markPending(clientMessageId);
    this.#host.requestUpdate();
    if (entry) this.#outbox?.add({ clientMessageId, content: entry.content, createdAt: entry.createdAt, conversationId: this.conversationId });
  }

  async loadOlder(): Promise<void> {
    if (!this.#session || !this.hasOlder || this.loadingOlder || !this.#olderCursor) return;
    this.loadingOlder = true;
    this.#host.requestUpdate();
    try {
      const page = await this.#session.history({ before: this.#olderCursor });
      page.messages.forEach((m) => this.#onStored(m, false));
      this.#olderCursor = page.nextCursor;
      this.hasOlder = page.nextCursor !== null;
    } catch (error) {
      this.#report(errorBodyOf(error));
    } finally {
      this.loadingOlder = false;
      this.#host.requestUpdate();
    }
  }

  /** Tells the room the visitor is typing; stops by itself after a pause. */
  typing(): void {
    this.#typingNotifier.typed();
  }

  dismissError(): void {
    this.error = undefined;
    this.#host.requestUpdate();
  }

  /** The browser went offline or came back: say so at once; once back, retry what waits. */
  readonly #onNetwork = (event: Event): void => {
    this.#offline = event.type === 'offline';
    this.#host.requestUpdate();
    if (this.#offline) return;
    this.#outbox?.wake();
    // A start refused by the session limit waits out its window: coming online changes nothing there.
    if (this.#retry.waiting && !this.#retry.busy) this.#retry.now(() => this.#retryStart(this.#session!.target));
  };

  /** The session now points at another conversation: start over with it. */
  #restart(): void {
    const target = this.#session?.target;
    if (!target) return;
    queueMicrotask(() => {
      this.status = 'idle';
      void this.start(target);
    });
  }

  /** Tries the start again (see StartRetry), unless the chat moved on meanwhile. */
  #retryStart(target: ChatTarget): void {
    if (this.status !== 'failed' || !sameTarget(this.#session?.target, target)) return;
    this.status = 'idle';
    void this.start(target);
  }

  /** Opens this chat's outbox: messages an earlier page (or tab) left unsent show as pending at once. */
  #openOutbox(session: VisitorSession): void {
    const outbox = (this.#outbox = chatOutbox(
      session.target,
      // Each message goes to the conversation it was written in, whichever is shown now.
      (item) => this.#ask('send_message', { conversationId: item.conversationId ?? session.conversationId!, content: item.content, clientMessageId: item.clientMessageId }),
      {
        stored: (message) => {
          this.#clearError('UNAVAILABLE');
          this.#onStored(message);
        },
        rejected: (item, error) => {
          this.list.fail(item.clientMessageId, error);
          this.#report(error);
        },
        waiting: (error, ms) => {
          if (error.code === 'RATE_LIMITED') this.cooldown.start(ms);
          this.#report(error);
        },
      },
    ));
    // Shown at once, before the session says which conversation opens (then only its own stay in view).
    for (const item of outbox.items) this.list.addPending(item.clientMessageId, item.content, item.createdAt);
  }

  #connect(session: VisitorSession): void {
    ({ live: this.#live, sync: this.#sync } = startLiveSync(session, {
      list: this.list,
      connection: (state) => {
        this.connection = state;
        // Joined: the network is back, whatever the browser's events said.
        if (state === 'online') this.#offline = false;
        this.#host.requestUpdate();
      },
      characterTyping: (typing) => {
        this.characterTyping = typing;
        this.#host.requestUpdate();
      },
      stored: (message) => this.#onStored(message),
      report: (error) => this.#report(error),
      recovered: () => {
        this.#clearError('UNAVAILABLE');
        this.#outbox?.wake();
      },
      changed: () => this.#host.requestUpdate(),
    }));
  }

  /** Merges a stored message; `announce` fires tipsy-message for one not seen complete before. */
  #onStored(message: Message, announce = true): void {
    if (message.conversation_id !== this.conversationId) return;
    const completed = this.list.confirm(message);
    if (completed && message.sender_type === 'character') this.characterTyping = false;
    // A new version of a message is news; another version chosen is not.
    const version = `${message.id} ${message.swipe?.count}`;
    if (completed && !this.#announced.has(version)) {
      this.#announced.add(version);
      if (announce) this.#events.dispatchEvent(new TipsyMessageEvent(message));
    }
    this.#host.requestUpdate();
  }

  #report(error: ErrorBody): void {
    // The conversation shown is gone (erased from another tab): start over in the one the server opens.
    if (error.code === 'NOT_FOUND' && this.status === 'ready') queueMicrotask(() => void this.startOver());
    this.error = error;
    this.#events.dispatchEvent(new TipsyErrorEvent(error));
    this.#host.requestUpdate();
  }

  #clearError(code: ErrorBody['code']): void {
    if (this.error?.code === code) this.error = undefined;
    this.#host.requestUpdate();
  }

  #setStatus(status: SessionStatus): void {
    this.status = status;
    this.#host.requestUpdate();
  }
}
