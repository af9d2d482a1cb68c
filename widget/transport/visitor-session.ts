import type { CharacterView, HistoryPage } from '../../server/protocol/message.js';
import { loadVisitorToken, saveVisitorToken } from '../storage.js';
import { createApi, errorBodyOf, type Api } from './api.js';

export interface ChatTarget {
  server: string;
  siteKey: string;
  character?: string;
  /** The host site's signed-in user, vouched for by its server (see docs/security.md). */
  user?: { id: string; hash: string; name?: string };
}

export const sameTarget = (a: ChatTarget | undefined, b: ChatTarget) =>
  !!a &&
  a.server === b.server &&
  a.siteKey === b.siteKey &&
  a.character === b.character &&
  a.user?.id === b.user?.id &&
  a.user?.hash === b.user?.hash &&
  a.user?.name === b.user?.name;

const PAGE_SIZE = 30;

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

  constructor(readonly target: ChatTarget) {
    this.api = createApi(target.server, () => this.token);
    this.token = loadVisitorToken(target.server, target.siteKey);
  }

  /** Starts (or refreshes) the session; resolves true when the conversation is not the one held before. */
  async start(): Promise<boolean> {
    const { server, siteKey, character, user } = this.target;
    const session = await this.api.session.start.mutate({ siteKey, character, visitorToken: this.token, user });
    this.token = session.visitorToken;
    saveVisitorToken(server, siteKey, session.visitorToken);
    const changed = this.conversationId !== undefined && this.conversationId !== session.conversationId;
    this.conversationId = session.conversationId;
    this.character = session.character;
    return changed;
  }

  /** Runs a call with the token; when the token has expired, refreshes it once and retries. */
  async call<T>(call: (api: Api) => Promise<T>): Promise<T> {
    try {
      return await call(this.api);
    } catch (error) {
      if (errorBodyOf(error).code !== 'UNAUTHORIZED') throw error;
      await this.start();
      return call(this.api);
    }
  }

  /** A page of history: the latest, or the one before `before`. */
  history(before?: string): Promise<HistoryPage> {
    return this.call((api) => api.conversation.history.query({ conversationId: this.conversationId!, before, limit: PAGE_SIZE }));
  }
}
