import { errors, jwtVerify, SignJWT } from 'jose';
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
  private readonly verified = new Map<string, VerifiedVisitor>();

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
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known;
    const visitor = await this.check(token, undefined);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(token, visitor);
    return visitor;
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
