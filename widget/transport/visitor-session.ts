import type { ClientToServerEvents, SendAck } from '../../server/protocol/events.js';
import type { CharacterView } from '../../server/protocol/character.js';
import type { HistoryPage } from '../../server/protocol/message.js';
import { loadVisitorToken, saveVisitorToken } from '../storage.js';
import { createApi, errorBodyOf, type Api } from './api.js';
import type { AskEvent } from './live-connection.js';

/** `session.start`'s input, as the server's schema takes it (inferred through AppRouter, never restated). */
type SessionStartInput = Parameters<Api['session']['start']['mutate']>[0];

export interface ChatTarget {
  server: string;
  siteKey: string;
  character?: string;
  /** The host site's signed-in user, vouched for by its server (see docs/security.md). */
  user?: SessionStartInput['user'];
  /** A character defined by the page's attributes (the site must allow it). */
  characterDefinition?: SessionStartInput['characterDefinition'];
}

/** Targets are plain data: the same JSON is the same chat. */
export const sameTarget = (a: ChatTarget | undefined, b: ChatTarget) => !!a && JSON.stringify(a) === JSON.stringify(b);

const PAGE_SIZE = 30;

/** The tRPC mutation that does what each socket event does. */
const OVER_HTTP = { send_message: 'send', regenerate: 'regenerate', choose_swipe: 'chooseSwipe' } as const;

/**
 * Per server and site key, the start that is making this page's visitor, while it runs:
 * a page of four chats makes one visitor between them, not one each.
 */
const firstStarts = new Map<string, Promise<void>>();

/**
 * The visitor's standing with the server: the token (kept in localStorage per
 * server and site), the conversation and the character, and tRPC calls that
 * refresh an expired token once before giving up.
 */
export class VisitorSession {
  readonly api: Api;
  token?: string;
  conversationId?: string;
  character?: CharacterView;
  /** Whether the site lets the visitor start a new conversation. */
  newConversations = true;
  /** A conversation the visitor reopened: kept when the session is refreshed, whatever the server would open. */
  #chosen?: string;

  /** Called when a refresh lands in another conversation (the old one is gone): start over. */
  readonly #onConversationChanged: () => void;

  constructor(
    readonly target: ChatTarget,
    onConversationChanged: () => void = () => undefined,
  ) {
    this.#onConversationChanged = onConversationChanged;
    this.api = createApi(target.server, () => this.token);
    this.token = loadVisitorToken(target.server, target.siteKey);
  }

  /**
   * Starts (or refreshes) the session; resolves true when the conversation is not the one held before.
   * Without a token, a start would make a new visitor: while one such start runs for this server and
   * site, the page's other chats wait for its token and start as that visitor.
   */
  async start(): Promise<boolean> {
    const { server, siteKey, user } = this.target;
    if (user) return this.#request(); // the server finds the user's visitor whatever else runs
    const key = JSON.stringify([server, siteKey]);
    this.token ??= loadVisitorToken(server, siteKey);
    while (!this.token) {
      const running = firstStarts.get(key);
      if (!running) return this.#requestFirst(key);
      await running;
      // The first start's token (kept for the page even where storage is blocked); none if it failed: one of us goes next.
      this.token = loadVisitorToken(server, siteKey);
    }
    return this.#request();
  }

  #requestFirst(key: string): Promise<boolean> {
    const request = this.#request();
    const settled = request.then(
      () => undefined,
      () => undefined,
    );
    firstStarts.set(key, settled);
    // Registered before any waiter's: the entry is gone by the time a waiter looks again.
    void settled.then(() => firstStarts.get(key) === settled && firstStarts.delete(key));
    return request;
  }

  async #request(): Promise<boolean> {
    const { server, siteKey, character, user, characterDefinition } = this.target;
    const session = await this.api.session.start.mutate({ siteKey, character, visitorToken: this.token, user, characterDefinition });
    this.token = session.visitorToken;
    saveVisitorToken(server, siteKey, session.visitorToken);
    const conversationId = this.#chosen ?? session.conversationId;
    const changed = this.conversationId !== undefined && this.conversationId !== conversationId;
    this.conversationId = conversationId;
    this.character = session.character;
    this.newConversations = session.newConversations !== false;
    if (changed) this.#onConversationChanged();
    return changed;
  }

  /** Runs a call with the token; when the token has expired, refreshes it once and retries. */
  async call<T>(call: (api: Api) => Promise<T>): Promise<T> {
    try {
      return await call(this.api);
    } catch (error) {
      if (errorBodyOf(error).code !== 'UNAUTHORIZED') throw error;
      // A call built for the old conversation must not go to the new one.
      if (await this.start()) throw error;
      return call(this.api);
    }
  }

  /** A page of history: the latest, the one before `before`, or the one after `after`. */
  history(cursor: { before?: string; after?: string } = {}): Promise<HistoryPage> {
    return this.call((api) => api.conversation.history.query({ conversationId: this.conversationId!, ...cursor, limit: PAGE_SIZE }));
  }

  /** Stops the streaming reply over HTTP (for when there is no live connection). */
  async stopOverHttp(): Promise<void> {
    await this.call((api) => api.message.stop.mutate({ conversationId: this.conversationId! }));
  }

  /** Moves to another of the visitor's conversations with the character (a new one, or one reopened). */
  open(conversationId: string): void {
    this.conversationId = this.#chosen = conversationId;
  }

  /** Over HTTP, for when there is no live connection: what LiveConnection.ask does, answered like its acks. */
  async askOverHttp<E extends AskEvent>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<SendAck> {
    try {
      return { ok: true, message: (await this.call((api) => (api.message[OVER_HTTP[event]] as Api['message']['send']).mutate(payload as never))).message };
    } catch (error) {
      return { ok: false, error: errorBodyOf(error) };
    }
  }
}
