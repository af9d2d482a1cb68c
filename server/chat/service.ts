import { assertOrigin, type SiteDirectory } from '../auth/site-directory.js';
import type { VisitorIdentity, VisitorTokens } from '../auth/visitor-tokens.js';
import { findCharacter, toCharacterView } from '../characters/store.js';
import type { Db } from '../db/database.js';
import { TipsyError } from '../errors.js';
import { newId, nowIso } from '../ids.js';
import type { CharacterView, HistoryPage, Message } from '../protocol/message.js';
import { openConversation, requireOwnConversation } from './conversations.js';
import type { HistoryInput, SendMessageInput, SessionStartInput } from './inputs.js';
import { historyPage, postMessage } from './messages.js';
import type { ReplyRunner } from './replies.js';
import type { ConversationBroadcaster } from './broadcaster.js';

export interface SessionStarted {
  visitorToken: string;
  conversationId: string;
  character: CharacterView;
}

export interface ChatDeps {
  db: Db;
  sites: SiteDirectory;
  tokens: VisitorTokens;
  replies: ReplyRunner;
  broadcaster: ConversationBroadcaster;
}

/**
 * What a visitor can do, whatever the transport. Inputs arrive already parsed
 * by the shared schemas in inputs.ts; identity arrives verified by `authenticate`.
 */
export class ChatService {
  constructor(private readonly deps: ChatDeps) {}

  async startSession(input: SessionStartInput, origin: string | undefined): Promise<SessionStarted> {
    const { db, sites, tokens } = this.deps;
    const site = await sites.requireForOrigin(input.siteKey, origin);
    const character = await findCharacter(db, site.id, input.character);
    const visitor = (await this.returningVisitor(input.visitorToken, site.id)) ?? (await this.newVisitor(site.id));
    const conversation = await openConversation(db, visitor, character.id);
    return {
      visitorToken: await tokens.issue(visitor),
      conversationId: conversation.id,
      character: toCharacterView(character),
    };
  }

  /** Verifies a visitor token and that its site still exists and allows this origin. */
  async authenticate(token: string | undefined, origin: string | undefined): Promise<VisitorIdentity> {
    if (!token) throw new TipsyError('UNAUTHORIZED', 'A visitor token is required.');
    const visitor = await this.deps.tokens.verify(token);
    const site = await this.deps.sites.findById(visitor.siteId);
    if (!site) throw new TipsyError('UNAUTHORIZED', 'Your chat session is not valid.');
    assertOrigin(site, origin);
    return visitor;
  }

  async history(visitor: VisitorIdentity, input: HistoryInput): Promise<HistoryPage> {
    await requireOwnConversation(this.deps.db, visitor, input.conversationId);
    return historyPage(this.deps.db, input.conversationId, input);
  }

  /** Checks ownership, makes sure a conversation can be joined, and returns its id. */
  async join(visitor: VisitorIdentity, conversationId: string): Promise<string> {
    return (await requireOwnConversation(this.deps.db, visitor, conversationId)).id;
  }

  /**
   * Stores the visitor's message, then (and only then) tells the room and asks
   * the character to reply. A retried send returns the stored copy and does neither again.
   */
  async send(visitor: VisitorIdentity, input: SendMessageInput): Promise<Message> {
    const conversation = await requireOwnConversation(this.deps.db, visitor, input.conversationId);
    const { message, created } = await postMessage(this.deps.db, {
      conversationId: conversation.id,
      senderType: 'user',
      content: input.content,
      clientMessageId: input.clientMessageId,
    });
    if (created) {
      this.deps.broadcaster.message(message);
      this.deps.replies.enqueue(conversation, message);
    }
    return message;
  }

  private async returningVisitor(token: string | undefined, siteId: string): Promise<VisitorIdentity | null> {
    if (!token) return null;
    const claimed = await this.deps.tokens.verifyForRefresh(token).catch(() => null);
    if (!claimed || claimed.siteId !== siteId) return null;
    const known = await this.deps.db
      .selectFrom('visitors')
      .select('id')
      .where('id', '=', claimed.visitorId)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return known ? claimed : null;
  }

  private async newVisitor(siteId: string): Promise<VisitorIdentity> {
    const visitorId = newId();
    await this.deps.db.insertInto('visitors').values({ id: visitorId, site_id: siteId, created_at: nowIso() }).execute();
    return { visitorId, siteId };
  }
}
