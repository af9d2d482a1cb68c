import { errors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { TipsyError } from '../errors.js';

export interface VisitorIdentity {
  visitorId: string;
  siteId: string;
  /** The publishable key the session was started with: revoking it ends the session. */
  keyId: string;
}

/** A verified token: who, and until when (epoch ms). */
export interface VerifiedVisitor extends VisitorIdentity {
  expiresAt: number;
}

const ISSUER = 'tipsy-chat';
const ALG = 'HS256';
/** Tokens verified lately, so a visitor's every request does not verify the same signature again. */
const VERIFIED_CACHE_SIZE = 10_000;

/** Signed, site-bound, expiring visitor tokens. */
export class VisitorTokens {
  /** Imported once: given raw bytes, jose would import the key again for every token. */
  private readonly key: Promise<CryptoKey>;
  /** Each kept until its token expires; concurrent requests with one new token share one verification. */
  private readonly verified = new LRUCache<string, VerifiedVisitor>({
    max: VERIFIED_CACHE_SIZE,
    fetchMethod: async (token, _stale, { options }) => {
      const visitor = await this.check(token, undefined);
      // At least 1 ms: a ttl of 0 would mean "never expires".
      options.ttl = Math.max(1, visitor.expiresAt - Date.now());
      return visitor;
    },
  });

  constructor(
    secret: Uint8Array,
    private readonly ttlSeconds: number,
    /** How long after expiry `session.start` still accepts a token to refresh it. */
    private readonly refreshGraceSeconds = 30 * 24 * 60 * 60,
  ) {
    this.key = crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async issue(identity: VisitorIdentity): Promise<string> {
    return new SignJWT({ site: identity.siteId, kid: identity.keyId })
      .setProtectedHeader({ alg: ALG })
      .setIssuer(ISSUER)
      .setSubject(identity.visitorId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(await this.key);
  }

  /** A valid, unexpired token's identity, or UNAUTHORIZED. */
  async verify(token: string): Promise<VerifiedVisitor> {
    // A token that does not verify rejects here, and is not kept.
    return (await this.verified.fetch(token))!;
  }

  /** Like verify, but also accepts a token that expired within the refresh grace period. */
  verifyForRefresh(token: string): Promise<VerifiedVisitor> {
    return this.check(token, this.refreshGraceSeconds);
  }

  private async check(token: string, tolerance: number | undefined): Promise<VerifiedVisitor> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        issuer: ISSUER,
        algorithms: [ALG],
        clockTolerance: tolerance,
      });
      const { sub, site, kid, exp } = payload;
      if (typeof sub !== 'string' || typeof site !== 'string' || typeof kid !== 'string' || typeof exp !== 'number') {
        throw new Error('claims');
      }
      return { visitorId: sub, siteId: site, keyId: kid, expiresAt: exp * 1000 };
    } catch (error) {
      const expired = error instanceof errors.JWTExpired;
      throw new TipsyError(
        'UNAUTHORIZED',
        expired ? 'Your chat session has expired.' : 'Your chat session is not valid.',
      );
    }
  }
}
