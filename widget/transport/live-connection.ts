import { connectErrorData, type ConnectErrorData } from '../../server/protocol/connect-error.js';
import type { ErrorBody } from '../../server/protocol/errors.js';
import type { ClientToServerEvents, MessageStreamEvent, SendAck, TypingEvent } from '../../server/protocol/events.js';
import type { Message } from '../../server/protocol/message.js';
import { isTransient } from '../error-kinds.js';
import { connectSocket, type ChatSocket } from './socket.js';

const ACK_TIMEOUT_MS = 10_000;
/** Failed connection attempts in a row before the owner is told the server is unreachable this way. */
const ATTEMPTS_BEFORE_UNREACHABLE = 2;
/** The events answered with the message as stored. */
export type AskEvent = 'send_message' | 'regenerate' | 'choose_swipe';

const LOST: SendAck = { ok: false, error: { code: 'UNAVAILABLE', message: 'The connection was lost.' } };

/** What a live connection reports to its owner. */
export interface LiveListener {
  /** Joined the conversation; `again` after a reconnect, when something may have been missed; `agent`: the person answering, if one is. */
  joined(again: boolean, agent?: string): void;
  /** A person took the conversation over (their name), or handed it back (undefined). */
  answeredBy(agent?: string): void;
  dropped(): void;
  /** Refused for good (origin, revoked key…): no more retries. */
  refused(error: ErrorBody): void;
  /** Attempts keep failing (WebSocket and polling blocked?): Socket.IO goes on trying in the background. */
  unreachable(): void;
  /** The token was refused: get a fresh one; the connection then tries again. */
  refreshToken(): Promise<void>;
  message(message: Message): void;
  stream(event: MessageStreamEvent): void;
  typing(event: TypingEvent): void;
}

/**
 * One conversation's Socket.IO connection: joins on every (re)connect,
 * refreshes an expired token, and comes back after the server asks it to leave.
 */
export class LiveConnection {
  readonly #socket: ChatSocket;
  #retryTimer?: ReturnType<typeof setTimeout>;

  constructor(server: string, token: () => string, conversationId: string, listener: LiveListener) {
    const socket = connectSocket(server, token);
    this.#socket = socket;
    let joinedBefore = false;
    let failures = 0;

    socket.on('connect', () =>
      socket.emit('join_conversation', conversationId, (ack) => {
        if (!ack.ok) return listener.refused(ack.error);
        failures = 0;
        listener.joined(joinedBefore, ack.agent?.name);
        joinedBefore = true;
      }),
    );
    socket.on('disconnect', (reason) => {
      listener.dropped();
      // The server asked us to leave (a restart, a re-check of access): come back on our own.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (error) => {
      if (socket.active) {
        // A transport failure: Socket.IO keeps retrying with backoff.
        if (++failures === ATTEMPTS_BEFORE_UNREACHABLE) listener.unreachable();
        return;
      }
      const body: ConnectErrorData = connectErrorData(error) ?? { code: 'UNAVAILABLE', message: error.message };
      if (body.code === 'UNAUTHORIZED') {
        listener.refreshToken().then(
          () => socket.connect(),
          () => undefined, // the owner reports why the refresh failed
        );
      } else if (isTransient(body.code)) {
        // Refused for now (too many sockets, a busy server): HTTP and polling meanwhile, then try again.
        listener.unreachable();
        this.#retryTimer = setTimeout(() => socket.connect(), body.retryAfterMs ?? 5000);
      } else {
        listener.refused(body);
      }
    });
    socket.on('receive_message', (message) => listener.message(message));
    socket.on('message_stream', (event) => listener.stream(event));
    socket.on('typing', (event) => listener.typing(event));
    socket.on('answered_by', (event) => listener.answeredBy(event.agent?.name));
  }

  get online(): boolean {
    return this.#socket.connected;
  }

  /**
   * Sends a message, or asks for a new version of the last one or another of its versions, over the
   * socket; resolves with the server's ack, or UNAVAILABLE if the connection drops or 10 s pass.
   */
  ask<E extends AskEvent>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<SendAck> {
    if (!this.#socket.connected) return Promise.resolve(LOST);
    return new Promise((resolve) => {
      const lost = () => resolve(LOST);
      this.#socket.once('disconnect', lost);
      const answered = (timeout: Error | null, ack: SendAck) => {
        this.#socket.off('disconnect', lost);
        resolve(timeout ? { ok: false, error: { code: 'UNAVAILABLE', message: 'No answer from the chat server.' } } : ack);
      };
      // One call for the three events, whose payloads and acks the event map types alike.
      (this.#socket.timeout(ACK_TIMEOUT_MS).emit as (event: AskEvent, payload: unknown, ack: typeof answered) => void)(event, payload, answered);
    });
  }

  /** Asks the server to stop the reply streaming in the conversation. */
  stopGeneration(conversationId: string): void {
    this.#socket.emit('stop_generation', { conversationId }, () => undefined);
  }

  typing(conversationId: string, typing: boolean): void {
    if (this.#socket.connected) this.#socket.emit('typing', { conversationId, typing });
  }

  close(): void {
    clearTimeout(this.#retryTimer);
    this.#socket.disconnect();
  }
}
