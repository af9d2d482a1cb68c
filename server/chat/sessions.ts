import { isValidUserHash } from '../auth/identity.js';
import { assertOrigin, type SiteAccess, type SiteDirectory } from '../auth/site-directory.js';
import { identitySecretOf } from '../auth/sites.js';
import type { VerifiedVisitor, VisitorTokens } from '../auth/visitor-tokens.js';
import { CharacterSlug, type PageCharacterInput } from '../characters/inputs.js';
import { pageCharacter } from '../characters/page-characters.js';
import { findCharacter, toCharacterView } from '../characters/store.js';
import type { Db } from '../db/database.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { TipsyError } from '../errors.js';
import { newId, nowIso } from '../ids.js';
import type { CharacterView } from '../protocol/character.js';
import type { AgentView } from '../protocol/agent.js';
import { agentOf } from './answering.js';
import { openConversation } from './conversations.js';
import { parseInput, type SessionStartInput } from './inputs.js';

export interface SessionStarted {
  visitorToken: string;
  /** The visitor's most recently active conversation with the character (the first is made on first use). */
  conversationId: string;
  character: CharacterView;
  /** Whether the site lets visitors start a new conversation (`conversation.create`). */
  newConversations: boolean;
  /** Present while a person answers the conversation in the character's place (live takeover). */
  agent?: AgentView;
}

type VerifiedUser = NonNullable<SessionStartInput['user']>;

/** The session-limit refusal, with the wait in whole minutes (these windows run for minutes). */
function busyNetwork(retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return `Chat is busy on this network. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** Where a request came from, as far as the transport can tell. */
export interface RequestOrigin {
  origin: string | undefined;
  ip: string;
}

/** Who a visitor is: sessions started with a site key, and the tokens that prove them afterwards. */
export class Sessions {
  constructor(private readonly deps: { db: Db; sites: SiteDirectory; tokens: VisitorTokens; rateLimits: RateLimits }) {}

  async start(input: SessionStartInput, request: RequestOrigin): Promise<SessionStarted> {
    const { db, sites, tokens } = this.deps;
    const { site, keyId } = await sites.requirePublishableKey(input.siteKey, request.origin);
    // Only reads so far: who starts decides which window counts it, and a refused start writes nothing.
    const returning = input.user ? null : await this.returningVisitor(input.visitorToken, site.id);
    await this.countStart(site, request.ip, !input.user && !returning);
    const character = input.characterDefinition
      ? await this.pageCharacter(site, input.character, input.characterDefinition)
      : await findCharacter(db, site.id, input.character);
    const visitorId = input.user ? await this.verifiedVisitor(site.id, input.user) : (returning ?? (await this.newVisitor(site.id)));
    const visitor = { visitorId, siteId: site.id, keyId };
    const conversation = await openConversation(db, visitor, character);
    return {
      visitorToken: await tokens.issue(visitor),
      conversationId: conversation.id,
      character: toCharacterView(character),
      newConversations: site.allowNewConversations,
      ...agentOf(conversation),
    };
  }

  /**
   * A start that makes a new visitor counts in the address's new-visitor
   * window (sessionsPerIp); one by a visitor the server knows (a valid token
   * of this site, a verified user) only in a larger one that stops a loop
   * (returningSessionsPerIp), so reloads and pages of several chats never
   * crowd out the people behind the same address.
   */
  private async countStart(site: SiteAccess, ip: string, newVisitor: boolean): Promise<void> {
    const [name, window] = newVisitor
      ? (['sessionsPerIp', site.limits.sessionsPerIp] as const)
      : (['returningSessionsPerIp', site.limits.returningSessionsPerIp] as const);
    try {
      await this.deps.rateLimits.consume(name, window, `${site.id}:${ip}`, 'Chat is busy on this network.');
    } catch (error) {
      if (!(error instanceof TipsyError) || error.retryAfterMs === undefined) throw error;
      throw new TipsyError('RATE_LIMITED', busyNetwork(error.retryAfterMs), { retryAfterMs: error.retryAfterMs });
    }
  }

  /** The character a page defines by its attributes, where its site allows that. */
  private pageCharacter(site: SiteAccess, slug: string | undefined, definition: PageCharacterInput) {
    if (!site.allowPageCharacters) {
      throw new TipsyError('NOT_ALLOWED', 'This site does not allow characters defined on the page.');
    }
    return pageCharacter(this.deps.db, site.id, slug === undefined ? undefined : parseInput(CharacterSlug, slug), definition);
  }

  /** A token's visitor, if the token is valid, its key still live, and the origin one its site allows. */
  async authenticate(token: string | undefined, origin: string | undefined): Promise<VerifiedVisitor> {
    if (!token) throw new TipsyError('UNAUTHORIZED', 'A visitor token is required.');
    const visitor = await this.deps.tokens.verify(token);
    const site = await this.deps.sites.findById(visitor.siteId);
    if (!site || !(await this.deps.sites.isKeyLive(visitor.keyId))) {
      throw new TipsyError('UNAUTHORIZED', 'Your chat session is no longer valid.');
    }
    assertOrigin(site, origin);
    return visitor;
  }

  /** The visitor bound to the host site's user: the same on every browser and device. Never falls back to anonymous. */
  private async verifiedVisitor(siteId: string, user: VerifiedUser): Promise<string> {
    const { db } = this.deps;
    if (!isValidUserHash(await identitySecretOf(db, siteId), user.id, user.hash)) {
      throw new TipsyError('IDENTITY_REJECTED', 'The user-hash does not match the user-id for this site.');
    }
    const name = user.name ?? null;
    await db
      .insertInto('visitors')
      .values({ id: newId(), site_id: siteId, external_user_id: user.id, display_name: name, created_at: nowIso() })
      .onConflict((oc) => {
        const target = oc.columns(['site_id', 'external_user_id']);
        return name ? target.doUpdateSet({ display_name: name }) : target.doNothing();
      })
      .execute();
    const row = await db
      .selectFrom('visitors')
      .select('id')
      .where('site_id', '=', siteId)
      .where('external_user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The anonymous visitor a token names, if it is ours, for this site, and not bound to a user. */
  private async returningVisitor(token: string | undefined, siteId: string): Promise<string | null> {
    if (!token) return null;
    const claimed = await this.deps.tokens.verifyForRefresh(token).catch(() => null);
    if (!claimed || claimed.siteId !== siteId) return null;
    const known = await this.deps.db
      .selectFrom('visitors')
      .select('id')
      .where('id', '=', claimed.visitorId)
      .where('site_id', '=', siteId)
      .where('external_user_id', 'is', null)
      .executeTakeFirst();
    return known?.id ?? null;
  }

  private async newVisitor(siteId: string): Promise<string> {
    const visitorId = newId();
    await this.deps.db.insertInto('visitors').values({ id: visitorId, site_id: siteId, created_at: nowIso() }).execute();
    return visitorId;
  }
}
