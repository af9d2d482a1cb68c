import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ErrorBody } from '../../server/protocol/errors.js';
import { LIMITS, type CharacterView, type Message } from '../../server/protocol/message.js';
import { TipsyErrorEvent, TipsyMessageEvent, TipsyReadyEvent } from '../events.js';
import { errorBodyOf } from '../transport/api.js';
import { LiveConnection } from '../transport/live-connection.js';
import { sameTarget, VisitorSession, type ChatTarget } from '../transport/visitor-session.js';
import { newClientId } from './client-id.js';
import { Cooldown } from './cooldown.js';
import { MessageList } from './message-list.js';

export type SessionStatus = 'idle' | 'starting' | 'ready' | 'failed';
export type Connection = 'offline' | 'connecting' | 'online';

const TYPING_IDLE_MS = 3_000;

/**
 * Owns one visitor session: starts it over tRPC, loads history, keeps a live
 * socket, and sends with optimistic entries. The element only renders its state.
 */
export class ChatController implements ReactiveController {
  status: SessionStatus = 'idle';
  connection: Connection = 'offline';
  readonly list = new MessageList();
  characterTyping = false;
  hasOlder = false;
  loadingOlder = false;
  error?: ErrorBody;

  private session?: VisitorSession;
  private live?: LiveConnection;
  /** While the server asks us to wait, sends stay pending and go out when it ends. */
  readonly cooldown = new Cooldown(
    () => this.host.requestUpdate(),
    () => {
      if (this.error?.code === 'RATE_LIMITED') this.error = undefined;
      this.list.pending.forEach((e) => this.deliver(e.clientMessageId!, e.content));
      this.host.requestUpdate();
    },
  );
  private olderCursor: string | null = null;
  private readonly announced = new Set<string>();
  private typingTimer?: ReturnType<typeof setTimeout>;
  private startAttempts = 0;
  /** Bumped by stop(), so work started before it does not touch the state after it. */
  private run = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  get character(): CharacterView | undefined {
    return this.session?.character;
  }

  get conversationId(): string | undefined {
    return this.session?.conversationId;
  }

  hostConnected(): void {
    // Moved in the DOM after a disconnect: let the next update start the session again.
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Starts (or restarts, for another site or character) the session. */
  async start(target: ChatTarget): Promise<void> {
    if (this.status !== 'idle' && sameTarget(this.session?.target, target)) return;
    this.stop();
    const run = this.run;
    const session = (this.session = new VisitorSession(target));
    if (target.user && !target.user.hash) {
      // Never fall back to an anonymous chat when the page meant a signed-in user.
      this.setStatus('failed');
      return this.report({ code: 'IDENTITY_REJECTED', message: 'user-id was given without user-hash.' });
    }
    this.setStatus('starting');
    try {
      await session.start();
      const page = await session.history();
      if (run !== this.run) return; // stopped (or restarted) meanwhile
      page.messages.forEach((m) => this.list.confirm(m));
      page.messages.forEach((m) => this.announced.add(m.id));
      this.olderCursor = page.nextCursor;
      this.hasOlder = page.nextCursor !== null;
      this.startAttempts = 0;
      this.setStatus('ready');
      this.host.dispatchEvent(new TipsyReadyEvent({ conversationId: session.conversationId!, character: session.character! }));
      this.connect(session);
    } catch (error) {
      if (run !== this.run) return;
      const body = errorBodyOf(error);
      this.setStatus('failed');
      this.report(body);
      if (['UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED'].includes(body.code)) this.retryStartLater(target, body.retryAfterMs);
    }
  }

  /** The server could not answer: try again when it said, or with backoff up to every 30 s. */
  private retryStartLater(target: ChatTarget, afterMs?: number): void {
    const delay = afterMs ?? Math.min(30_000, 1000 * 2 ** this.startAttempts++);
    this.retryTimer = setTimeout(() => {
      if (this.status !== 'failed' || !sameTarget(this.session?.target, target)) return;
      this.status = 'idle';
      void this.start(target);
    }, delay);
  }

  stop(): void {
    this.run++;
    clearTimeout(this.retryTimer);
    this.cooldown.cancel();
    this.live?.close();
    this.live = undefined;
    this.list.clear();
    this.announced.clear();
    this.status = 'idle';
    this.connection = 'offline';
    this.characterTyping = false;
    this.error = undefined;
    this.session = undefined;
  }

  /** Sends a message optimistically; false when there is nothing to send yet. */
  send(text: string): boolean {
    const content = text.trim();
    if (!content || this.status !== 'ready' || this.cooldown.active) return false;
    if (content.length > LIMITS.messageMaxChars) {
      this.report({ code: 'INVALID_INPUT', message: `A message can have at most ${LIMITS.messageMaxChars} characters.` });
      return false;
    }
    const entry = this.list.addPending(newClientId(), content);
    this.stopTyping();
    this.host.requestUpdate();
    this.deliver(entry.clientMessageId!, content);
    return true;
  }

  retry(clientMessageId: string): void {
    const entry = this.list.markPending(clientMessageId);
    this.host.requestUpdate();
    if (entry) this.deliver(clientMessageId, entry.content);
  }

  async loadOlder(): Promise<void> {
    if (!this.session || !this.hasOlder || this.loadingOlder || !this.olderCursor) return;
    this.loadingOlder = true;
    this.host.requestUpdate();
    try {
      const page = await this.session.history(this.olderCursor);
      page.messages.forEach((m) => (this.announced.add(m.id), this.list.confirm(m)));
      this.olderCursor = page.nextCursor;
      this.hasOlder = page.nextCursor !== null;
    } catch (error) {
      this.report(errorBodyOf(error));
    } finally {
      this.loadingOlder = false;
      this.host.requestUpdate();
    }
  }

  /** Tells the room the visitor is typing; stops by itself after a pause. */
  typing(): void {
    if (!this.live?.online || !this.conversationId) return;
    if (!this.typingTimer) this.live.typing(this.conversationId, true);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  dismissError(): void {
    this.error = undefined;
    this.host.requestUpdate();
  }

  private stopTyping(): void {
    if (!this.typingTimer) return;
    clearTimeout(this.typingTimer);
    this.typingTimer = undefined;
    if (this.conversationId) this.live?.typing(this.conversationId, false);
  }

  private connect(session: VisitorSession): void {
    this.connection = 'connecting';
    this.live = new LiveConnection(session.target.server, () => session.token ?? '', session.conversationId!, {
      joined: (again) => {
        this.connection = 'online';
        if (this.error?.code === 'UNAVAILABLE') this.error = undefined;
        if (again) void this.catchUp();
        this.list.pending.forEach((e) => this.deliver(e.clientMessageId!, e.content));
        this.host.requestUpdate();
      },
      dropped: () => {
        this.connection = 'connecting';
        this.characterTyping = false;
        this.host.requestUpdate();
      },
      refused: (error) => {
        this.connection = 'offline';
        this.report(error);
      },
      refreshToken: async () => {
        try {
          if (await session.start()) this.list.clear();
        } catch (error) {
          this.report(errorBodyOf(error));
          throw error;
        }
      },
      message: (message) => this.onStored(message),
      stream: (event) => {
        this.list.stream(event);
        this.characterTyping = false;
        this.host.requestUpdate();
      },
      typing: (event) => {
        if (event.sender_type !== 'character') return;
        this.characterTyping = event.typing && !this.list.entries.some((e) => e.status === 'streaming');
        this.host.requestUpdate();
      },
    });
  }

  /** Whatever was missed while the socket was down (latest page, merged). */
  private async catchUp(): Promise<void> {
    try {
      const page = await this.session!.history();
      page.messages.forEach((m) => this.onStored(m));
    } catch (error) {
      this.report(errorBodyOf(error));
    }
  }

  private deliver(clientMessageId: string, content: string): void {
    if (this.cooldown.active) return; // sent when the cooldown ends
    const payload = { conversationId: this.conversationId!, content, clientMessageId };
    const failed = (error: ErrorBody) => {
      if (error.code === 'RATE_LIMITED') {
        // Nothing was stored: keep it pending and send it when the server allows.
        this.cooldown.start(error.retryAfterMs ?? 2000);
        return this.report(error);
      }
      this.list.fail(clientMessageId, error);
      this.report(error);
    };
    if (this.live?.online) {
      void this.live.send(payload).then((ack) => (ack.ok ? this.onStored(ack.message) : failed(ack.error)));
      return;
    }
    // No live connection: the HTTP fallback stores it all the same.
    this.session!.call((api) => api.message.send.mutate(payload)).then(
      ({ message }) => this.onStored(message),
      (error: unknown) => failed(errorBodyOf(error)),
    );
  }

  private onStored(message: Message): void {
    if (message.conversation_id !== this.conversationId) return;
    this.list.confirm(message);
    if (message.sender_type === 'character') this.characterTyping = false;
    if (!this.announced.has(message.id)) {
      this.announced.add(message.id);
      this.host.dispatchEvent(new TipsyMessageEvent(message));
    }
    this.host.requestUpdate();
  }

  private report(error: ErrorBody): void {
    this.error = error;
    this.host.dispatchEvent(new TipsyErrorEvent(error));
    this.host.requestUpdate();
  }

  private setStatus(status: SessionStatus): void {
    this.status = status;
    this.host.requestUpdate();
  }
}
