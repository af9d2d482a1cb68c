import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ErrorBody } from '../../server/protocol/errors.js';
import { LIMITS, type CharacterView, type Message } from '../../server/protocol/message.js';
import { TipsyErrorEvent, TipsyMessageEvent, TipsyReadyEvent } from '../events.js';
import { loadVisitorToken, saveVisitorToken } from '../storage.js';
import { createApi, errorBodyOf, type Api } from '../transport/api.js';
import { connectSocket, type ChatSocket } from '../transport/socket.js';
import { newClientId } from './client-id.js';
import { MessageList } from './message-list.js';

export type SessionStatus = 'idle' | 'starting' | 'ready' | 'failed';
export type Connection = 'offline' | 'connecting' | 'online';

export interface ChatTarget {
  server: string;
  siteKey: string;
  character?: string;
}

const ACK_TIMEOUT_MS = 10_000;
const PAGE_SIZE = 30;
const TYPING_IDLE_MS = 3_000;

/**
 * Owns one visitor session: starts it over tRPC, loads history, keeps a live
 * socket, and sends with optimistic entries. The element only renders its state.
 */
export class ChatController implements ReactiveController {
  status: SessionStatus = 'idle';
  connection: Connection = 'offline';
  character?: CharacterView;
  conversationId?: string;
  readonly list = new MessageList();
  characterTyping = false;
  hasOlder = false;
  loadingOlder = false;
  error?: ErrorBody;

  private api?: Api;
  private socket?: ChatSocket;
  private token?: string;
  private olderCursor: string | null = null;
  private readonly announced = new Set<string>();
  private typingTimer?: ReturnType<typeof setTimeout>;
  private target?: ChatTarget;
  private startAttempts = 0;
  /** Bumped by stop(), so work started before it does not touch the state after it. */
  private run = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
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
    if (this.status !== 'idle' && sameTarget(this.target, target)) return;
    this.stop();
    const run = this.run;
    this.target = target;
    this.setStatus('starting');
    this.api = createApi(target.server, () => this.token);
    this.token = loadVisitorToken(target.server, target.siteKey);
    try {
      await this.startSession();
      const page = await this.api.conversation.history.query({ conversationId: this.conversationId!, limit: PAGE_SIZE });
      if (run !== this.run) return; // stopped (or restarted) meanwhile
      page.messages.forEach((m) => this.list.confirm(m));
      page.messages.forEach((m) => this.announced.add(m.id));
      this.olderCursor = page.nextCursor;
      this.hasOlder = page.nextCursor !== null;
      this.startAttempts = 0;
      this.setStatus('ready');
      this.host.dispatchEvent(new TipsyReadyEvent({ conversationId: this.conversationId!, character: this.character! }));
      this.connect();
    } catch (error) {
      if (run !== this.run) return;
      const body = errorBodyOf(error);
      this.setStatus('failed');
      this.report(body);
      if (body.code === 'UNAVAILABLE' || body.code === 'INTERNAL') this.retryStartLater(target);
    }
  }

  /** The server could not be reached: try again with backoff, up to every 30 s. */
  private retryStartLater(target: ChatTarget): void {
    const delay = Math.min(30_000, 1000 * 2 ** this.startAttempts++);
    this.retryTimer = setTimeout(() => {
      if (this.status !== 'failed' || !sameTarget(this.target, target)) return;
      this.status = 'idle';
      void this.start(target);
    }, delay);
  }

  stop(): void {
    this.run++;
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
    this.socket = undefined;
    this.list.clear();
    this.announced.clear();
    this.status = 'idle';
    this.connection = 'offline';
    this.characterTyping = false;
    this.error = undefined;
    this.target = undefined;
    this.conversationId = undefined;
  }

  /** Sends a message optimistically; false when there is nothing to send yet. */
  send(text: string): boolean {
    const content = text.trim();
    if (!content || this.status !== 'ready') return false;
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
    if (!this.api || !this.hasOlder || this.loadingOlder || !this.olderCursor) return;
    this.loadingOlder = true;
    this.host.requestUpdate();
    try {
      const page = await this.api.conversation.history.query({
        conversationId: this.conversationId!,
        before: this.olderCursor,
        limit: PAGE_SIZE,
      });
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
    if (!this.socket?.connected || !this.conversationId) return;
    if (!this.typingTimer) this.socket.emit('typing', { conversationId: this.conversationId, typing: true });
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
    if (this.socket?.connected && this.conversationId) {
      this.socket.emit('typing', { conversationId: this.conversationId, typing: false });
    }
  }

  private async startSession(): Promise<void> {
    const { server, siteKey, character } = this.target!;
    const session = await this.api!.session.start.mutate({ siteKey, character, visitorToken: this.token });
    this.token = session.visitorToken;
    saveVisitorToken(server, siteKey, session.visitorToken);
    if (this.conversationId && this.conversationId !== session.conversationId) this.list.clear();
    this.conversationId = session.conversationId;
    this.character = session.character;
  }

  private connect(): void {
    const { server, siteKey } = this.target!;
    const socket = connectSocket(server, siteKey, () => this.token ?? '');
    this.socket = socket;
    this.connection = 'connecting';
    let connectedBefore = false;

    socket.on('connect', () => {
      socket.emit('join_conversation', this.conversationId!, (ack) => {
        if (!ack.ok) return this.report(ack.error);
        this.connection = 'online';
        if (this.error?.code === 'UNAVAILABLE') this.error = undefined;
        if (connectedBefore) void this.catchUp();
        connectedBefore = true;
        this.list.pending.forEach((e) => this.deliver(e.clientMessageId!, e.content));
        this.host.requestUpdate();
      });
    });
    socket.on('disconnect', (reason) => {
      this.connection = 'connecting';
      this.characterTyping = false;
      // The server asked us to leave (a restart): come back on our own.
      if (reason === 'io server disconnect') socket.connect();
      this.host.requestUpdate();
    });
    socket.on('connect_error', (error) => {
      const body = (error as Error & { data?: ErrorBody }).data;
      if (socket.active) return; // a transport failure: Socket.IO keeps retrying
      if (body?.code === 'UNAUTHORIZED') {
        // The token expired or was replaced: refresh it and try again.
        this.startSession().then(() => socket.connect(), (e: unknown) => this.report(errorBodyOf(e)));
        return;
      }
      this.connection = 'offline';
      this.report(body ?? { code: 'UNAVAILABLE', message: error.message });
    });
    socket.on('receive_message', (message) => this.onStored(message));
    socket.on('message_stream', (event) => {
      this.list.stream(event);
      this.characterTyping = false;
      this.host.requestUpdate();
    });
    socket.on('typing', (event) => {
      if (event.sender_type !== 'character') return;
      this.characterTyping = event.typing && !this.list.entries.some((e) => e.status === 'streaming');
      this.host.requestUpdate();
    });
  }

  /** Whatever was missed while the socket was down (latest page, merged). */
  private async catchUp(): Promise<void> {
    try {
      const page = await this.api!.conversation.history.query({ conversationId: this.conversationId!, limit: PAGE_SIZE });
      page.messages.forEach((m) => this.onStored(m));
    } catch (error) {
      this.report(errorBodyOf(error));
    }
  }

  private deliver(clientMessageId: string, content: string): void {
    const payload = { conversationId: this.conversationId!, content, clientMessageId };
    const failed = (error: ErrorBody) => {
      this.list.fail(clientMessageId, error);
      this.report(error);
    };
    if (this.socket?.connected) {
      this.socket.timeout(ACK_TIMEOUT_MS).emit('send_message', payload, (timeout, ack) => {
        if (timeout) return failed({ code: 'UNAVAILABLE', message: 'No answer from the chat server.' });
        if (!ack) return;
        if (ack.ok) this.onStored(ack.message);
        else failed(ack.error);
      });
      return;
    }
    // No live connection: the HTTP fallback stores it all the same.
    this.api!.message.send.mutate(payload).then(
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

const sameTarget = (a: ChatTarget | undefined, b: ChatTarget) =>
  !!a && a.server === b.server && a.siteKey === b.siteKey && a.character === b.character;
