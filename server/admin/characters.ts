import type { SiteRules } from '../auth/site-rules.js';
import { avatarFromBytes, avatarPath, storeAvatar } from '../characters/avatars.js';
import { decodeBase64 } from '../characters/cards/base64.js';
import { storeDraft, type DraftDefinition } from '../characters/drafts.js';
import { testConnection, type ConnectionTest } from '../characters/responders/connection-test.js';
import { mergeResponderSettings, parseResponderSettings, type ResponderSettings } from '../characters/responders/settings.js';
import { findOwnedCharacter, getCharacterById, toCharacterRecord, type CharacterRecord } from '../characters/store.js';
import type { Db } from '../db/database.js';
import { RateLimits } from '../limits/rate-limits.js';

/** What testing a responder names: settings as typed, a saved character's, or both (an API key hint then stands for the stored key). */
export type ResponderTestInput = { responder: ResponderSettings; slug?: string } | { responder?: undefined; slug: string };

/**
 * What the studio's character editor needs beyond create, update and delete:
 * an avatar from an uploaded image, drafts for the live preview, and a test of a
 * model endpoint. Each is scoped to the caller's site and held to the operator's
 * rules, as the rest of the admin API is (service.ts).
 */
export class CharacterAdmin {
  constructor(
    private readonly db: Db,
    private readonly siteRules: SiteRules,
    /** The server's limiter, shared through Redis when there is one: endpoint tests count across processes. */
    private readonly rateLimits: RateLimits,
  ) {}

  /**
   * Sets the character's avatar from image bytes (base64, checked strictly): PNG, JPEG, WebP or GIF told by
   * their first bytes, at most 512 KB; anything else is INVALID_INPUT. Served by the chat server at its digest's path.
   */
  async setAvatar(siteId: string, slug: string, imageBase64: string): Promise<CharacterRecord> {
    const avatar = avatarFromBytes(decodeBase64(imageBase64, 'The image'), 'The image');
    const row = await findOwnedCharacter(this.db, siteId, slug);
    await this.db.transaction().execute(async (tx) => {
      await storeAvatar(tx, siteId, row.id, avatar);
      await tx.updateTable('characters').set({ avatar_url: avatarPath(siteId, avatar) }).where('id', '=', row.id).execute();
    });
    return toCharacterRecord(await getCharacterById(this.db, row.id));
  }

  /**
   * Stores the editor's character as a draft the preview's widget can talk to, and gives its slug
   * (the same draft, the same slug). With `slug`, the saved character it edits: an API key sent
   * back as its hint then stands for that character's stored key.
   */
  async preview(siteId: string, draft: DraftDefinition, slug?: string): Promise<{ slug: string }> {
    const saved = slug === undefined ? undefined : await findOwnedCharacter(this.db, siteId, slug);
    await this.siteRules.assertResponder(draft.responder);
    const responderJson = mergeResponderSettings(draft.responder ?? null, saved?.responder ?? null) ?? null;
    return storeDraft(this.db, siteId, draft, responderJson);
  }

  /**
   * Asks the endpoint for a tiny completion (connection-test.ts). The settings must pass the operator's
   * rules first, as when they are saved (NOT_ALLOWED, or INVALID_INPUT for a private address); tests
   * are limited per site (`responderTestsPerSite`, RATE_LIMITED past it).
   */
  async testResponder(siteId: string, input: ResponderTestInput): Promise<ConnectionTest> {
    const saved = input.slug === undefined ? undefined : await findOwnedCharacter(this.db, siteId, input.slug);
    const settings = input.responder
      ? parseResponderSettings(mergeResponderSettings(input.responder, saved?.responder ?? null))
      : parseResponderSettings(saved?.responder);
    if (!settings) {
      return { ok: false, message: 'This character has no model of its own: it speaks through the site’s default (or the server’s).' };
    }
    // The operator's rules first: a test they refuse reaches nothing, so it costs nothing.
    await this.siteRules.assertResponder(settings);
    // Counted when the server would reach out (a name resolved, a request sent); simulated and none reach nothing.
    if (settings.kind === 'openai') {
      await this.rateLimits.consume(
        'responderTestsPerSite',
        this.siteRules.limitCeilings.responderTestsPerSite,
        siteId,
        'Too many connection tests for this site: please wait a minute.',
      );
    }
    return testConnection(settings, this.siteRules.endpoints);
  }
}
