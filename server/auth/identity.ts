import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `user-hash` a host site's server computes: hex HMAC-SHA256 of the user id under the site's identity secret. */
export function userHash(identitySecret: string, userId: string): string {
  return createHmac('sha256', identitySecret).update(userId).digest('hex');
}

/** Compares in constant time, so the hash cannot be guessed byte by byte. */
export function isValidUserHash(identitySecret: string, userId: string, hash: string): boolean {
  const expected = Buffer.from(userHash(identitySecret, userId), 'hex');
  const given = Buffer.from(hash.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
