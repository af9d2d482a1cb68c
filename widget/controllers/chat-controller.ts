import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ErrorBody } from '../../server/protocol/errors.js';
import { BOUNDS } from '../../server/protocol/bounds.js';
import type { CharacterView } from '../../server/protocol/character.js';
import type { Message } from '../../server/protocol/message.js';
import { isTransient } from '../error-kinds.js';
import type { ShownError } from '../error-words.js';
import { TipsyErrorEvent, TipsyMessageEvent, TipsyReadyEvent } from '../events.js';
import type { ChatWords } from '../i18n/chat-locale.js';
import { outboxStore } from '../storage.js';
import { errorBodyOf } from '../transport/api.js';
import type { LiveConnection } from '../transport/live-connection.js';
import { sameTarget, VisitorSession, type ChatTarget } from '../transport/visitor-session.js';
import { backoff } from './backoff.js';
import { newClientId } from './client-id.js';
import { Cooldown } from './cooldown.js';
import type { HistorySync } from './history-sync.js';
import { startLiveSync, type Connection } from './live-sync.js';
import { MessageList } from './message-list.js';
import { Outbox, type OutboxItem } from './outbox.js';
import { TypingNotifier } from './typing-notifier.js';

const NETWORK_EVENTS = ['online', 'offline'];

export type SessionStatus = 'idle' | 'starting' | 'ready' | 'failed';

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
  #startAttempts = 0;
  /** Bumped by stop(), so work started before it does not touch the state after it. */
  #run = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  /** The browser said it is offline: shown at once, long before the socket's ping notices. */
  #offline = !navigator.onLine;
  /** The start was refused by the session limit: nothing can be written until it is retried. */
  #busy = false;
  /** The page's owner was told (once per element) why the site key cannot start a chat. */
  #warned = false;

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

  /**
   * The one status the header shows, by priority: unavailable > offline > reconnecting > limited >
   * typing > online (so "limited" never stands beside "cannot reach", nor "online" while down).
   */
  get statusKey(): 'offline' | 'connecting' | 'unavailable' | 'limited' | 'reconnecting' | 'typing' | 'online' {
    const { status, connection } = this;
    // Refused for good (or held by the session limit) outranks offline; anything still trying does not.
    if (this.#offline && this.accepting) return 'offline';
    if (status !== 'ready') return status === 'starting' ? 'connecting' : 'unavailable';
    if (connection === 'fallback') return 'limited';
    // Dropped, or refused for good (its error is shown): never online.
    return connection !== 'online' ? 'reconnecting' : this.characterTyping ? 'typing' : 'online';
  }

  /** Starts (or restarts, for another site, character or user) the session. */
  async start(target: ChatTarget): Promise<void> {
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
    const outbox = this.#openOutbox(session);
    try {
      await session.start();
      const page = await session.history();
      if (run !== this.#run) return; // stopped (or restarted) meanwhile
      page.messages.forEach((m) => this.#onStored(m, false));
      this.#olderCursor = page.nextCursor;
      this.hasOlder = page.nextCursor !== null;
      this.#startAttempts = 0;
      // What an earlier page left unsent goes out first (unless history shows it arrived).
      for (const item of outbox.items) {
        if (this.list.byClientId(item.clientMessageId)?.status === 'sent') outbox.remove(item.clientMessageId);
      }
      outbox.wake();
      this.#setStatus('ready');
      this.#events.dispatchEvent(new TipsyReadyEvent({ conversationId: session.conversationId!, character: session.character! }));
      this.#connect(session);
    } catch (error) {
      if (run !== this.#run) return;
      const body = errorBodyOf(error);
      this.#setStatus('failed');
      this.#report(body);
      if (!this.#warned && (body.code === 'UNAUTHORIZED' || body.code === 'FORBIDDEN_ORIGIN')) {
        // The visitor sees neutral words; the page's owner learns here (once per element) what to fix.
        this.#warned = true;
        // Only a publishable key is named: a secret one pasted by mistake must not reach the console too.
        const key = target.siteKey.startsWith('pk_') ? `site key ${target.siteKey}` : 'a site-key that is not a publishable key (pk_…): if it is a secret key, rotate it';
        console.warn(`Tipsy Chat: ${body.message} (${body.code}, ${key}, page ${location.origin}). Check the site-key attribute and the site's origins.`);
      }
      // The start was limited (new visitors per network), not the visitor's sending: say so, hold the composer.
      if ((this.#busy = body.code === 'RATE_LIMITED')) {
        const minutes = this.#words.number(Math.ceil((body.retryAfterMs ?? 1) / 60_000));
        this.error = { ...body, words: this.#words.t('busy', { minutes }) };
      }
      if (isTransient(body.code)) this.#retryStartLater(target, body.retryAfterMs);
    }
  }

  stop(): void {
    this.#run++;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
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
    this.#busy = false;
  }

  /** Whether the visitor can write now: the session is up, coming up, or being retried (queued meanwhile). */
  get accepting(): boolean {
    return this.status === 'ready' || this.status === 'starting' || (this.status === 'failed' && this.#retryTimer !== undefined && !this.#busy);
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
    const item = { clientMessageId: newClientId(), content, createdAt: new Date().toISOString() };
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

  /** Whether the character is answering now (typing or streaming): the composer offers to stop it. */
  get answering(): boolean {
    return this.characterTyping || this.list.streaming;
  }

  retry(clientMessageId: string): void {
    const entry = this.list.markPending(clientMessageId);
    this.#host.requestUpdate();
    if (entry) this.#outbox?.add({ clientMessageId, content: entry.content, createdAt: entry.createdAt });
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
    if (this.#retryTimer && !this.#busy) this.#retryStart(this.#session!.target);
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

  /** The server could not answer: try again when it said, or with backoff up to every 30 s. */
  #retryStartLater(target: ChatTarget, afterMs?: number): void {
    const delay = afterMs ?? backoff(this.#startAttempts++, 1000, 30_000);
    this.#retryTimer = setTimeout(() => this.#retryStart(target), delay);
  }

  #retryStart(target: ChatTarget): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    if (this.status !== 'failed' || !sameTarget(this.#session?.target, target)) return;
    this.status = 'idle';
    void this.start(target);
  }

  /** Opens this chat's outbox: messages an earlier page (or tab) left unsent show as pending at once. */
  #openOutbox(session: VisitorSession): Outbox {
    const { server, siteKey, character, user, characterDefinition } = session.target;
    const outbox = new Outbox(
      outboxStore(server, siteKey, JSON.stringify([character, characterDefinition?.name, user?.id])),
      (item: OutboxItem) => {
        const payload = { conversationId: session.conversationId!, content: item.content, clientMessageId: item.clientMessageId };
        return this.#live?.online ? this.#live.send(payload) : session.sendOverHttp(payload);
      },
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
    );
    this.#outbox = outbox;
    for (const item of outbox.items) this.list.addPending(item.clientMessageId, item.content, item.createdAt);
    return outbox;
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
    if (completed && !this.#announced.has(message.id)) {
      this.#announced.add(message.id);
      if (announce) this.#events.dispatchEvent(new TipsyMessageEvent(message));
    }
    this.#host.requestUpdate();
  }

  #report(error: ErrorBody): void {
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
