import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';

const SETTING = 'visitor_token_secret';

/**
 * The key that signs visitor tokens: the configured one, or one generated on
 * first start and kept in the database so every process and restart agrees.
 */
export async function loadSigningSecret(db: Db, configured: string | undefined): Promise<Uint8Array> {
  if (configured) return new TextEncoder().encode(configured);
  await db
    .insertInto('settings')
    .values({ key: SETTING, value: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'hex');
}
