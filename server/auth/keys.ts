import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import type { SiteKeyKind } from '../db/tables.js';
import { notFound, TipsyError } from '../errors.js';
import { newId, nowIso } from '../ids.js';

const PREFIX: Record<SiteKeyKind, string> = { publishable: 'pk_', secret: 'sk_' };

export interface IssuedKey {
  id: string;
  kind: SiteKeyKind;
  /** The key itself: for a secret key, the only time it is ever shown. */
  key: string;
}

export interface KeyInfo {
  id: string;
  kind: SiteKeyKind;
  /** A publishable key in full; a secret key as `sk_…` and its last characters. */
  display: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Secret keys are stored as their SHA-256: a leaked database does not leak working keys. */
export const hashSecretKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const keyKindOf = (key: string): SiteKeyKind | undefined =>
  key.startsWith(PREFIX.secret) ? 'secret' : key.startsWith(PREFIX.publishable) ? 'publishable' : undefined;

function mint(kind: SiteKeyKind): { key: string; stored: string; hint: string } {
  const key = `${PREFIX[kind]}${randomBytes(kind === 'secret' ? 24 : 18).toString('base64url')}`;
  return { key, stored: kind === 'secret' ? hashSecretKey(key) : key, hint: key.slice(-4) };
}

type Executor = Pick<Db, 'insertInto'>;

export async function insertKey(db: Executor, siteId: string, kind: SiteKeyKind): Promise<IssuedKey> {
  const { key, stored, hint } = mint(kind);
  const id = newId();
  await db
    .insertInto('site_keys')
    .values({ id, site_id: siteId, kind, key: stored, hint, created_at: nowIso(), revoked_at: null })
    .execute();
  return { id, kind, key };
}

export async function listKeys(db: Db, siteId: string): Promise<KeyInfo[]> {
  const rows = await db.selectFrom('site_keys').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    display: r.kind === 'secret' ? `sk_…${r.hint ?? ''}` : r.key,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

/** Revokes one of the site's keys; refuses to revoke the site's last working secret key. */
export async function revokeKey(db: Db, siteId: string, keyId: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const key = await tx
      .selectFrom('site_keys')
      .select(['kind', 'revoked_at'])
      .where('id', '=', keyId)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    if (!key) throw notFound('The key');
    if (key.revoked_at) return;
    await tx.updateTable('site_keys').set({ revoked_at: nowIso() }).where('id', '=', keyId).execute();
    // Studio sessions opened with this key end with it: a leaked key, revoked, leaves no session behind.
    await tx.deleteFrom('studio_sessions').where('key_id', '=', keyId).execute();
    if (key.kind === 'secret') {
      const left = await tx
        .selectFrom('site_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('site_id', '=', siteId)
        .where('kind', '=', 'secret')
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(left.n) === 0) {
        throw new TipsyError('INVALID_INPUT', 'This is the site’s last secret key: create or rotate instead of revoking it.');
      }
    }
  });
}

/** Issues a new key of the same kind and revokes the old one, in one transaction. */
export async function rotateKey(db: Db, siteId: string, keyId: string): Promise<IssuedKey> {
  return db.transaction().execute(async (tx) => {
    const old = await tx
      .selectFrom('site_keys')
      .select(['kind'])
      .where('id', '=', keyId)
      .where('site_id', '=', siteId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!old) throw notFound('The key');
    const issued = await insertKey(tx, siteId, old.kind);
    await tx.updateTable('site_keys').set({ revoked_at: nowIso() }).where('id', '=', keyId).execute();
    await tx.deleteFrom('studio_sessions').where('key_id', '=', keyId).execute();
    return issued;
  });
}

/** The site a working secret key belongs to, or null. */
export async function siteOfSecretKey(db: Db, key: string): Promise<{ siteId: string; keyId: string } | null> {
  if (keyKindOf(key) !== 'secret') return null;
  const row = await db
    .selectFrom('site_keys')
    .select(['site_id', 'id'])
    .where('key', '=', hashSecretKey(key))
    .where('kind', '=', 'secret')
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { siteId: row.site_id, keyId: row.id } : null;
}
