import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { userHash } from '../../server/auth/identity.js';
import { createSite } from '../../server/auth/sites.js';
import type { LimitsOverride } from '../../server/limits/policy.js';
import { ROOMY_LIMITS, SITE_ORIGIN, startHarness, type Harness } from './harness.js';

const SECRET = 'a-test-signing-secret-that-is-long-enough';
const TEN_MINUTES = 600;

interface Started {
  status: number;
  retryAfter: string | null;
  token?: string;
  conversationId?: string;
  error?: { errorCode: string; retryAfterMs: number };
  message?: string;
}

/** The visitor a token names (its `sub`). */
const visitorOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

describe('session limits: new visitors and returning ones per address', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ config: { trustProxy: 'loopback', secret: SECRET } })));
  after(() => h.close());

  /** session.start as a page behind `ip` would call it (the proxy in front names the address). */
  async function start(ip: string, input: Record<string, unknown> = {}, siteKey = h.siteKey): Promise<Started> {
    const res = await fetch(`${h.url}/trpc/session.start`, {
      method: 'POST',
      headers: { 'x-forwarded-for': ip, origin: SITE_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey, ...input }),
    });
    const body = (await res.json()) as { result?: { data: { visitorToken: string; conversationId: string } }; error?: { message: string; data: Started['error'] } };
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      token: body.result?.data.visitorToken,
      conversationId: body.result?.data.conversationId,
      error: body.error?.data,
      message: body.error?.message,
    };
  }

  const setLimits = (limits: LimitsOverride) => h.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, ...limits } });

  const rowCount = async (table: 'visitors' | 'conversations') =>
    Number((await h.app.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('site_id', '=', h.siteId).executeTakeFirstOrThrow()).n);

  /** The refusal a visitor meets: the stable code, the real wait (the window just opened), and words saying so. */
  function assertBusy(refused: Started) {
    assert.equal(refused.status, 429);
    assert.equal(refused.error?.errorCode, 'RATE_LIMITED');
    const wait = refused.error!.retryAfterMs;
    assert.ok(wait > (TEN_MINUTES - 10) * 1000 && wait <= TEN_MINUTES * 1000, `retryAfterMs ${wait}`);
    assert.equal(refused.retryAfter, String(Math.ceil(wait / 1000)), 'Retry-After: the same wait, in whole seconds');
    assert.equal(refused.message, 'Chat is busy on this network. Please try again in 10 minutes.');
  }

  it('never refuses a returning visitor (or a verified user) for the address’s new visitors', async () => {
    await setLimits({ sessionsPerIp: { points: 3, seconds: TEN_MINUTES }, returningSessionsPerIp: { points: 60, seconds: TEN_MINUTES } });
    const ip = '203.0.113.10';
    const first = await start(ip);
    assert.equal(first.status, 200);
    let token = first.token!;
    for (let i = 0; i < 40; i++) {
      const again = await start(ip, { visitorToken: token, character: i % 2 ? 'guide' : 'barkeep' });
      assert.equal(again.status, 200, `returning start ${i}: ${JSON.stringify(again.error)}`);
      assert.equal(visitorOf(again.token!), visitorOf(first.token!));
      token = again.token!;
    }
    const user = { id: 'member-1', hash: userHash(h.site.identitySecret, 'member-1') };
    for (let i = 0; i < 5; i++) assert.equal((await start(ip, { user })).status, 200, 'a verified user');
    // The window still holds the two new visitors it had room for: the returning starts took none.
    assert.deepEqual([(await start(ip)).status, (await start(ip)).status], [200, 200]);
    assertBusy(await start(ip));
  });

  it('refuses new visitors past the window with the real wait, and writes nothing for a refused start', async () => {
    await setLimits({ sessionsPerIp: { points: 3, seconds: TEN_MINUTES } });
    const ip = '203.0.113.20';
    const started = [await start(ip), await start(ip), await start(ip)];
    assert.deepEqual(started.map((s) => s.status), [200, 200, 200]);
    const [visitors, conversations] = [await rowCount('visitors'), await rowCount('conversations')];
    assertBusy(await start(ip, { character: 'host' }));
    assert.deepEqual([await rowCount('visitors'), await rowCount('conversations')], [visitors, conversations]);
    assert.equal((await start('203.0.113.21')).status, 200, 'another address has its own window');
    assert.equal((await start(ip, { visitorToken: started[0]!.token })).status, 200, 'a returning visitor still gets in');
  });

  it('says the wait in whole minutes, rounded up', async () => {
    await setLimits({ sessionsPerIp: { points: 1, seconds: 90 } });
    const ip = '203.0.113.50';
    await start(ip);
    const refused = await start(ip);
    assert.equal(refused.error?.errorCode, 'RATE_LIMITED');
    assert.ok(refused.error!.retryAfterMs > 80_000 && refused.error!.retryAfterMs <= 90_000, `retryAfterMs ${refused.error!.retryAfterMs}`);
    assert.equal(refused.message, 'Chat is busy on this network. Please try again in 2 minutes.');
    await setLimits({ sessionsPerIp: { points: 1, seconds: 45 } });
    await start(ip);
    assert.equal((await start(ip)).message, 'Chat is busy on this network. Please try again in 1 minute.');
  });

  it('counts a forged, foreign or long-expired token as a new visitor', async () => {
    await setLimits({ sessionsPerIp: { points: 3, seconds: TEN_MINUTES } });
    const genuine = await start('203.0.113.31');
    const claims = JSON.parse(Buffer.from(genuine.token!.split('.')[1]!, 'base64url').toString()) as { sub: string; site: string; kid: string };
    const sign = (key: string, expiresAt: number) =>
      new SignJWT({ site: claims.site, kid: claims.kid })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('tipsy-chat')
        .setSubject(claims.sub)
        .setIssuedAt(expiresAt - 3600)
        .setExpirationTime(expiresAt)
        .sign(new TextEncoder().encode(key));
    const now = Math.floor(Date.now() / 1000);
    const otherSite = await createSite(h.app.db, { name: 'Next door', origins: [SITE_ORIGIN] });
    const foreign = (await start('203.0.113.32', {}, otherSite.publishableKey)).token!;
    const tokens = {
      forged: await sign('some-other-secret-of-sufficient-length', now + 3600),
      expiredLongAgo: await sign(SECRET, now - 40 * 86_400),
      foreign,
      garbage: 'not-a-token',
    };
    const ip = '203.0.113.30';
    const results: Record<string, number> = {};
    for (const [kind, visitorToken] of Object.entries(tokens)) {
      const result = await start(ip, { visitorToken });
      results[kind] = result.status;
      if (result.token) assert.notEqual(visitorOf(result.token), visitorOf(genuine.token!), kind);
    }
    assert.deepEqual(results, { forged: 200, expiredLongAgo: 200, foreign: 200, garbage: 429 });
  });

  it('bounds a loop of returning starts by the larger window, refusing it in the same words', async () => {
    await setLimits({ sessionsPerIp: { points: 3, seconds: TEN_MINUTES }, returningSessionsPerIp: { points: 5, seconds: TEN_MINUTES } });
    const ip = '203.0.113.40';
    const { token } = await start(ip);
    for (let i = 0; i < 5; i++) assert.equal((await start(ip, { visitorToken: token })).status, 200);
    const conversations = await rowCount('conversations');
    assertBusy(await start(ip, { visitorToken: token, character: 'host' }));
    assertBusy(await start(ip, { user: { id: 'member-2', hash: userHash(h.site.identitySecret, 'member-2') } }));
    assert.equal(await rowCount('conversations'), conversations, 'a refused start opens no conversation');
    assert.equal((await start('203.0.113.41', { visitorToken: token })).status, 200, 'another address has its own window');
  });
});
