import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { TipsyError } from '../errors.js';
import { nowIso } from '../ids.js';
import { siteOfSecretKey } from './keys.js';

/** A studio session ends after this long without a call… */
export const STUDIO_IDLE_MS = 30 * 60_000;
/** …and after this long in any case. */
export const STUDIO_MAX_AGE_MS = 12 * 60 * 60_000;
/** How long a one-time link is valid, unless the operator asks for another time. */
export const STUDIO_LINK_MINUTES = 15;
/** A session's last call is written at most this often (every admin call reads it). */
const TOUCH_EVERY_MS = 60_000;

const LINK_PREFIX = 'sl_';
const SESSION_PREFIX = 'ss_';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = (prefix: string) => prefix + randomBytes(32).toString('base64url');
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

const failed = () => new TipsyError('UNAUTHORIZED', 'This sign-in link or key is not valid (a link works once, for a few minutes).');

/**
 * Who is signed in to the studio: a site owner, for one site, by a session whose token lives
 * only in an HttpOnly cookie. Sign-in takes the site's secret key (read once, never kept) or
 * a one-time link. Only hashes of links and sessions are stored, so a database dump opens nothing.
 */
export class StudioSessions {
  constructor(private readonly db: Db) {}

  /** A one-time sign-in link's token for the site, valid for `minutes`. */
  async createLink(siteId: string, minutes = STUDIO_LINK_MINUTES): Promise<{ token: string; expiresAt: string }> {
    const site = await this.db.selectFrom('sites').select('id').where('id', '=', siteId).executeTakeFirst();
    if (!site) throw new TipsyError('NOT_FOUND', 'The site was not found.');
    const token = newToken(LINK_PREFIX);
    const expiresAt = later(minutes * 60_000);
    await this.db.insertInto('studio_links').values({ token_hash: hashOf(token), site_id: siteId, expires_at: expiresAt, used_at: null, created_at: nowIso() }).execute();
    return { token, expiresAt };
  }

  /** Signs in with a link (used up here, whatever happens next) or a secret key; answers the new session's token. */
  async signIn(credential: { link: string } | { secretKey: string }): Promise<{ token: string; siteId: string }> {
    const key = 'link' in credential ? undefined : await siteOfSecretKey(this.db, credential.secretKey);
    const siteId = 'link' in credential ? await this.#useLink(credential.link) : key?.siteId;
    if (!siteId) throw failed();
    const token = newToken(SESSION_PREFIX);
    const now = nowIso();
    await this.db.insertInto('studio_sessions').values({ token_hash: hashOf(token), site_id: siteId, key_id: key?.keyId ?? null, created_at: now, last_seen_at: now }).execute();
    return { token, siteId };
  }

  /** The site a session is for, or null when it is unknown, idle too long or too old. */
  async siteOf(token: string | undefined): Promise<string | null> {
    if (!token?.startsWith(SESSION_PREFIX)) return null;
    const hash = hashOf(token);
    const row = await this.db.selectFrom('studio_sessions').select(['site_id', 'created_at', 'last_seen_at']).where('token_hash', '=', hash).executeTakeFirst();
    if (!row) return null;
    const now = Date.now();
    const lastSeen = Date.parse(row.last_seen_at);
    if (now - lastSeen > STUDIO_IDLE_MS || now - Date.parse(row.created_at) > STUDIO_MAX_AGE_MS) {
      await this.db.deleteFrom('studio_sessions').where('token_hash', '=', hash).execute();
      return null;
    }
    if (now - lastSeen > TOUCH_EVERY_MS) await this.db.updateTable('studio_sessions').set({ last_seen_at: nowIso() }).where('token_hash', '=', hash).execute();
    return row.site_id;
  }

  /** Ends one session (signing out). */
  async signOut(token: string | undefined): Promise<void> {
    if (token) await this.db.deleteFrom('studio_sessions').where('token_hash', '=', hashOf(token)).execute();
  }

  /** Ends every studio session of the site (a key rotated, a laptop lost): answers how many. */
  async revokeAll(siteId: string): Promise<number> {
    const result = await this.db.deleteFrom('studio_sessions').where('site_id', '=', siteId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Marks the link used, once: of two sign-ins with one link, only one gets a site. */
  async #useLink(link: string): Promise<string | undefined> {
    if (!link.startsWith(LINK_PREFIX)) return undefined;
    const now = nowIso();
    const used = await this.db
      .updateTable('studio_links')
      .set({ used_at: now })
      .where('token_hash', '=', hashOf(link))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('site_id')
      .executeTakeFirst();
    return used?.site_id;
  }
}
