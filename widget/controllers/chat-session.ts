import type { ReactiveControllerHost } from 'lit';
import type { ClientToServerEvents } from '../../server/protocol/events.js';
import type { CharacterView } from '../../server/protocol/character.js';
import { TipsyConversationEvent, TipsyReadyEvent } from '../events.js';
import type { ChatWords } from '../i18n/chat-locale.js';
import { errorBodyOf, type Api } from '../transport/api.js';
import type { AskEvent, LiveConnection } from '../transport/live-connection.js';
import { sameTarget, VisitorSession, type ChatTarget } from '../transport/visitor-session.js';
import type { HistorySync } from './history-sync.js';
import { startLiveSync } from './live-sync.js';
import type { SessionStatus } from './status-key.js';
import { StartRetry } from './start-retry.js';
import { ChatOutbox } from './chat-outbox.js';
import { ChatState } from './chat-state.js';

const NETWORK_EVENTS = ['online', 'offline'];

/**
 * Owns one visitor session through its life: starts it over tRPC (again for another site,
 * character or user, and after a failure when worth it), enters its conversation (the latest
 * history, the outbox's messages, a live socket, or polling when none can be had), moves to
 * another conversation, and stops. Through it the visitor asks the server as well: a tRPC call,
 * a reply stopped, earlier history.
 */
export abstract class ChatSession extends ChatState {
  /** For the words of the errors found here (the visitor sees them). */
  protected readonly words: ChatWords;

  #session?: VisitorSession;
  protected live?: LiveConnection;
  protected outbox?: ChatOutbox;
  #sync?: HistorySync;
  #olderCursor: string | null = null;
  /** Bumped by stop(), so work started before it does not touch the state after it. */
  #run = 0;
  readonly #retry = new StartRetry();
  /** The browser said it is offline: shown at once, long before the socket's ping notices. */
  protected offline = !navigator.onLine;

  constructor(host: ReactiveControllerHost, events: EventTarget, words: ChatWords) {
    super(host, events);
    this.words = words;
  }

  get character(): CharacterView | undefined {
    return this.#session?.character;
  }

  get conversationId(): string | undefined {
    return this.#session?.conversationId;
  }

  /** Whether the site lets the visitor start a new conversation. */
  get newConversations(): boolean {
    return !!this.#session?.newConversations;
  }

  hostConnected(): void {
    for (const type of NETWORK_EVENTS) addEventListener(type, this.#onNetwork);
    // Moved in the DOM after a disconnect: let the next update start the session again.
    this.changed();
  }

  hostDisconnected(): void {
    for (const type of NETWORK_EVENTS) removeEventListener(type, this.#onNetwork);
    this.stop();
  }

  /** Starts (or restarts, for another site, character or user) the session; `moved` fires tipsy-conversation, not tipsy-ready. */
  async start(target: ChatTarget, moved?: boolean): Promise<void> {
    if (this.status !== 'idle' && sameTarget(this.#session?.target, target)) return;
    this.stop();
    const run = this.#run;
    const session = (this.#session = new VisitorSession(target, () => this.#restart()));
    if (target.user && !target.user.hash) {
      // Never fall back to an anonymous chat when the page meant a signed-in user.
      this.#setStatus('failed');
      return this.report({ code: 'IDENTITY_REJECTED', message: 'user-id was given without user-hash.' });
    }
    this.#setStatus('starting');
    this.outbox = new ChatOutbox(this, session, (payload) => this.ask('send_message', payload));
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
    this.#disconnect();
    this.list.clear();
    this.characterTyping = this.hasOlder = false;
    this.agent = this.error = undefined;
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
      this.report(errorBodyOf(error));
      throw error;
    }
  }

  /**
   * Shows the session's conversation: `begin` first (the session's start), then the latest page of
   * history, the outbox's messages for it, and the live connection. Once shown, tipsy-ready fires,
   * or tipsy-conversation when the visitor `moved` to another conversation.
   */
  async #enter(session: VisitorSession, run: number, begin?: () => Promise<unknown>, moved?: boolean): Promise<void> {
    const outbox = this.outbox!;
    try {
      await begin?.();
      const page = await session.history();
      if (run !== this.#run) return; // stopped (or restarted, or moved on) meanwhile
      const conversationId = session.conversationId!;
      for (const message of page.messages) {
        this.list.heard(message.seq);
        this.stored(message, false);
      }
      this.#olderCursor = page.nextCursor;
      this.hasOlder = page.nextCursor !== null;
      this.#retry.succeeded();
      // What an earlier page left unsent goes out first (unless history shows it arrived).
      outbox.showUnsent(conversationId);
      outbox.wake();
      this.#setStatus('ready');
      this.events.dispatchEvent(moved ? new TipsyConversationEvent({ conversationId }) : new TipsyReadyEvent({ conversationId, character: session.character! }));
      this.#connect(session);
    } catch (error) {
      if (run !== this.#run) return;
      const body = errorBodyOf(error);
      this.#setStatus('failed');
      this.report(body);
      this.error = this.#retry.failed(body, session.target.siteKey, this.words, () => this.#retryStart(session.target));
    }
  }

  stop(): void {
    this.#run++;
    this.#retry.cancel();
    this.cooldown.cancel();
    this.outbox?.stop();
    this.#disconnect();
    this.outbox = this.#session = undefined;
    this.clear();
  }

  /** Whether the visitor can write now: the session is up, coming up, or being retried (queued meanwhile). */
  get accepting(): boolean {
    return this.status === 'ready' || this.status === 'starting' || (this.status === 'failed' && this.#retry.waiting && !this.#retry.busy);
  }

  /** Stops the character's reply: what it said so far stays. */
  stopReply(): void {
    if (!this.#session?.conversationId) return;
    // The server stores a stopped reply as complete: only this client knows it was stopped.
    this.list.stopStreaming();
    if (this.live?.online) this.live.stopGeneration(this.#session.conversationId);
    else void this.#session.stopOverHttp().catch((error: unknown) => this.report(errorBodyOf(error)));
  }

  /** Over the socket when it is up, else over HTTP. */
  protected ask<E extends AskEvent>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]) {
    return this.live?.online ? this.live.ask(event, payload) : this.#session!.askOverHttp(event, payload);
  }

  async loadOlder(): Promise<void> {
    if (!this.#session || !this.hasOlder || this.loadingOlder || !this.#olderCursor) return;
    this.loadingOlder = true;
    this.changed();
    try {
      const page = await this.#session.history({ before: this.#olderCursor });
      page.messages.forEach((m) => this.stored(m, false));
      this.#olderCursor = page.nextCursor;
      this.hasOlder = page.nextCursor !== null;
    } catch (error) {
      this.report(errorBodyOf(error));
    } finally {
      this.loadingOlder = false;
      this.changed();
    }
  }

  /** The browser went offline or came back: say so at once; once back, retry what waits. */
  readonly #onNetwork = (event: Event): void => {
    this.offline = event.type === 'offline';
    this.changed();
    if (this.offline) return;
    this.outbox?.wake();
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

  #connect(session: VisitorSession): void {
    ({ live: this.live, sync: this.#sync } = startLiveSync(session, {
      list: this.list,
      connection: (state) => {
        this.connection = state;
        // Joined: the network is back, whatever the browser's events said.
        if (state === 'online') this.offline = false;
        this.changed();
      },
      characterTyping: (typing) => {
        this.characterTyping = typing;
        this.changed();
      },
      agent: (name) => {
        // Whoever was typing before the change is not the one answering now.
        if (name !== this.agent) this.characterTyping = false;
        this.agent = name;
        this.changed();
      },
      stored: (message) => this.stored(message),
      report: (error) => this.report(error),
      recovered: () => {
        this.clearError('UNAVAILABLE');
        this.outbox?.wake();
      },
      changed: () => this.changed(),
    }));
  }

  /** Closes the conversation's live connection, and its polling. */
  #disconnect(): void {
    this.#sync?.stopPolling();
    this.live?.close();
    this.live = this.#sync = undefined;
  }

  #setStatus(status: SessionStatus): void {
    this.status = status;
    this.changed();
  }
}
