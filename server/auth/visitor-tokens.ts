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

/** Signed, site-bound, expiring visitor tokens. */
export class VisitorTokens {
  constructor(
    private readonly key: Uint8Array,
    private readonly ttlSeconds: number,
    /** How long after expiry `session.start` still accepts a token to refresh it. */
    private readonly refreshGraceSeconds = 30 * 24 * 60 * 60,
  ) {}

  issue(identity: VisitorIdentity): Promise<string> {
    return new SignJWT({ site: identity.siteId, kid: identity.keyId })
      .setProtectedHeader({ alg: ALG })
      .setIssuer(ISSUER)
      .setSubject(identity.visitorId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** A valid, unexpired token's identity, or UNAUTHORIZED. */
  verify(token: string): Promise<VerifiedVisitor> {
    return this.check(token, undefined);
  }

  /** Like verify, but also accepts a token that expired within the refresh grace period. */
  verifyForRefresh(token: string): Promise<VerifiedVisitor> {
    return this.check(token, this.refreshGraceSeconds);
  }

  private async check(token: string, tolerance: number | undefined): Promise<VerifiedVisitor> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
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
