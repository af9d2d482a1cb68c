import type { AccessChanges } from '../auth/access-changes.js';
import { insertKey, listKeys, revokeKey, rotateKey, siteOfSecretKey, type IssuedKey, type KeyInfo } from '../auth/keys.js';
import type { SiteRules } from '../auth/site-rules.js';
import { getSite, rotateIdentitySecret, updateSite, type SiteInfo } from '../auth/sites.js';
import { exportStoredCharacter, importCharacterCard, type CardFormat, type CardSource, type CardSpec, type CharacterCard } from '../characters/cards.js';
import type { CharacterInput } from '../characters/inputs.js';
import {
  createCharacter,
  deleteCharacter,
  listCharacters,
  updateCharacter,
  type CharacterChanges,
  type CharacterRecord,
} from '../characters/store.js';
import { deleteVisitorData, listConversations, readTranscript, type ConversationList } from '../chat/transcripts.js';
import type { Db } from '../db/database.js';
import type { PrivacyService } from '../privacy/service.js';
import type { WebhookInput } from '../webhooks/inputs.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import type { Budgets, SiteUsage } from '../budgets/budgets.js';
import type { SiteKeyKind } from '../db/tables.js';
import type { HistoryPage } from '../protocol/message.js';
import { siteStats, type SiteStats } from './site-stats.js';
import { CharacterAdmin } from './characters.js';
import type { RateLimits } from '../limits/rate-limits.js';

export type SiteChanges = Parameters<typeof updateSite>[2];
export type { CharacterChanges };
/** A character card (V2 or V3) as it arrived: its JSON value, or a file (PNG, CHARX or JSON text) with the card inside. */
export type { CardSource };
export type VisitorRef = { visitorId: string } | { userId: string };

/**
 * Everything a site owner may do with the site's secret key, whatever the
 * transport, each scoped to that site. It holds the rules a change must pass
 * (the operator's, SiteRules) and announces every change of access itself
 * (AccessChanges: caches dropped, open sockets re-checked on every process),
 * so no transport has to remember either.
 */
export class AdminService {
  constructor(
    private readonly db: Db,
    private readonly siteRules: SiteRules,
    private readonly access: AccessChanges,
    /** Erasure's wipe, the site's webhooks, its model budget, and the server's rate limits (tests of model endpoints). */
    private readonly operations: { privacy: PrivacyService; webhooks: Webhooks; budgets: Budgets; rateLimits: RateLimits },
  ) {
    this.characters = new CharacterAdmin(db, siteRules, operations.rateLimits);
  }

  /** Avatars from bytes, drafts for the studio's preview, tests of model endpoints (characters.ts). */
  readonly characters: CharacterAdmin;

  /** The site a working secret key (`sk_…`) belongs to, or null. */
  siteOfSecretKey(secretKey: string): Promise<{ siteId: string; keyId: string } | null> {
    return siteOfSecretKey(this.db, secretKey);
  }

  getSite(siteId: string): Promise<SiteInfo> {
    return getSite(this.db, siteId);
  }

  /**
   * Renames the site, replaces its origins or limits; sockets from a dropped origin end at once.
   * Limits may only tighten the operator's, and the responder must be one the operator allows.
   */
  async updateSite(siteId: string, changes: SiteChanges): Promise<SiteInfo> {
    this.siteRules.assertLimits(changes.limits);
    await this.siteRules.assertResponder(changes.responder);
    const site = await updateSite(this.db, siteId, changes);
    this.operations.budgets.forget(siteId);
    await this.access.changed();
    return site;
  }

  /** The site's model budget, what its replies used today and this month (UTC), and which limit stops them now. */
  siteUsage(siteId: string): Promise<SiteUsage> {
    return this.operations.budgets.usage(siteId);
  }

  /** Each UTC day of the last `days`: conversations, messages, replies (failed, interrupted) and refusals (site-stats.ts). */
  siteStats(siteId: string, days: number): Promise<SiteStats> {
    return siteStats(this.db, siteId, days);
  }

  /** A new identity secret: user hashes made with the old one stop verifying at once (it is read per session, never cached). */
  rotateIdentitySecret(siteId: string): Promise<string> {
    return rotateIdentitySecret(this.db, siteId);
  }

  listKeys(siteId: string): Promise<KeyInfo[]> {
    return listKeys(this.db, siteId);
  }

  /** A new key; a secret key is shown in this answer only. */
  createKey(siteId: string, kind: SiteKeyKind): Promise<IssuedKey> {
    return insertKey(this.db, siteId, kind);
  }

  /** Replaces a key with a new one of its kind; the old one stops working at once, on open sockets too. */
  async rotateKey(siteId: string, keyId: string): Promise<IssuedKey> {
    const issued = await rotateKey(this.db, siteId, keyId);
    await this.access.changed();
    return issued;
  }

  /** Stops a key at once, on open sockets too. */
  async revokeKey(siteId: string, keyId: string): Promise<void> {
    await revokeKey(this.db, siteId, keyId);
    await this.access.changed();
  }

  listCharacters(siteId: string): Promise<CharacterRecord[]> {
    return listCharacters(this.db, siteId);
  }

  /** A new character; its model endpoint, if any, must be one the operator allows. */
  async createCharacter(siteId: string, character: CharacterInput): Promise<CharacterRecord> {
    await this.siteRules.assertResponder(character.responder);
    return createCharacter(this.db, siteId, character);
  }

  async updateCharacter(siteId: string, slug: string, changes: CharacterChanges): Promise<CharacterRecord> {
    await this.siteRules.assertResponder(changes.responder);
    const updated = await updateCharacter(this.db, siteId, slug, changes);
    await this.access.changed(); // whether it answers at all is remembered by every process
    return updated;
  }

  /**
   * Adds a character from a Character Card V2 or V3, with its lorebook, alternate greetings and avatar;
   * the card is kept for export. Its depth and size are bounded before anything walks it (cards/card-schema.ts).
   */
  importCharacter(siteId: string, source: CardSource, slug?: string): Promise<CharacterRecord> {
    return importCharacterCard(this.db, siteId, source, slug);
  }

  /** A character as a Character Card V3 (or V2): JSON, or a PNG (its avatar, or a plain square in its accent) with the card inside. */
  exportCharacter(siteId: string, slug: string, format: CardFormat, spec?: CardSpec): Promise<{ card: CharacterCard; png?: Buffer }> {
    return exportStoredCharacter(this.db, siteId, slug, format, { spec });
  }

  /** Deletes the character and every conversation with it. */
  deleteCharacter(siteId: string, slug: string): Promise<void> {
    return deleteCharacter(this.db, siteId, slug);
  }

  /** The site's conversations, newest first, `limit` at a time. */
  listConversations(siteId: string, options: Parameters<typeof listConversations>[2]): Promise<ConversationList> {
    return listConversations(this.db, siteId, options);
  }

  /** A page of one of the site's conversations (same paging as the visitor's history). */
  readTranscript(siteId: string, conversationId: string, page: { before?: string; limit: number }): Promise<HistoryPage & { agentName: string | null }> {
    return readTranscript(this.db, siteId, conversationId, page);
  }

  /** Erases one visitor's data (by our visitor id, or by the site's own user id) and ends their open connections. */
  async eraseVisitor(siteId: string, who: VisitorRef): Promise<{ deletedConversations: number }> {
    const erased = await deleteVisitorData(this.db, siteId, who);
    this.access.visitorErased(erased.visitorId);
    await this.operations.privacy.wipe();
    await this.operations.webhooks.publisher.publish({
      siteId,
      type: 'visitor.erased',
      data: { visitor_id: erased.visitorId, ...('userId' in who && { user_id: who.userId }), deleted_conversations: erased.deletedConversations },
    });
    return { deletedConversations: erased.deletedConversations };
  }

  createWebhook(siteId: string, input: WebhookInput) {
    return this.operations.webhooks.create(siteId, input);
  }

  listWebhooks(siteId: string) {
    return this.operations.webhooks.list(siteId);
  }

  removeWebhook(siteId: string, id: string) {
    return this.operations.webhooks.remove(siteId, id);
  }

  webhookDeliveries(siteId: string, options: { webhookId?: string; limit: number }) {
    return this.operations.webhooks.deliveries(siteId, options);
  }
}
