import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

const SECRET = 'a-test-signing-secret-that-is-long-enough';
const key = new TextEncoder().encode(SECRET);

describe('visitor tokens', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ config: { secret: SECRET } })));
  after(() => h.close());

  /** A token like the server's, with claims changed. */
  async function forge(claims: { sub: string; site: string; kid: string }, expiresAt: number, signingKey = key) {
    return new SignJWT({ site: claims.site, kid: claims.kid })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('tipsy-chat')
      .setSubject(claims.sub)
      .setIssuedAt(expiresAt - 3600)
      .setExpirationTime(expiresAt)
      .sign(signingKey);
  }

  async function claimsOf(token: string) {
    const [, payload] = token.split('.');
    return JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { sub: string; site: string; kid: string };
  }

  it('refuses an expired token on every path, and session.start refreshes it into the same conversation', async () => {
    const { visitorToken, conversationId } = await h.session();
    const expired = await forge(await claimsOf(visitorToken), Math.floor(Date.now() / 1000) - 120);

    const api = h.api({ token: expired });
    assert.equal(await trpcErrorCode(api.conversation.history.query({ conversationId })), 'UNAUTHORIZED');
    assert.equal(await trpcErrorCode(api.message.send.mutate({ conversationId, content: 'hi' })), 'UNAUTHORIZED');
    await assert.rejects(h.socket(expired), (err: Error & { data?: { code: string; message: string } }) => {
      return err.data?.code === 'UNAUTHORIZED' && /expired/.test(err.data.message);
    });

    const refreshed = await h.api().session.start.mutate({ siteKey: h.siteKey, visitorToken: expired });
    assert.equal(refreshed.conversationId, conversationId);
    assert.ok(await h.api({ token: refreshed.visitorToken }).conversation.history.query({ conversationId }));
  });

  it('a token accepted once (and remembered) is refused once it expires', async () => {
    const { visitorToken, conversationId } = await h.session();
    const shortLived = await forge(await claimsOf(visitorToken), Math.floor(Date.now() / 1000) + 2);
    const api = h.api({ token: shortLived });
    assert.ok(await api.conversation.history.query({ conversationId }));
    await new Promise((resolve) => setTimeout(resolve, 2100));
    assert.equal(await trpcErrorCode(api.conversation.history.query({ conversationId })), 'UNAUTHORIZED');
  });

  it('treats a token expired beyond the refresh window as a new visitor', async () => {
    const { visitorToken, conversationId } = await h.session();
    const ancient = await forge(await claimsOf(visitorToken), Math.floor(Date.now() / 1000) - 40 * 86400);
    const fresh = await h.api().session.start.mutate({ siteKey: h.siteKey, visitorToken: ancient });
    assert.notEqual(fresh.conversationId, conversationId);
  });

  it('refuses forged tokens: another key, no signature, another site, another visitor’s conversation', async () => {
    const { visitorToken, conversationId } = await h.session();
    const claims = await claimsOf(visitorToken);
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const otherKey = await forge(claims, inAnHour, new TextEncoder().encode('some-other-secret-of-sufficient-length'));
    const unsigned = new UnsecuredJWT({ site: claims.site, kid: claims.kid }).setSubject(claims.sub).setIssuer('tipsy-chat').encode();
    for (const token of [otherKey, unsigned, `${visitorToken}x`]) {
      assert.equal(await trpcErrorCode(h.api({ token }).conversation.history.query({ conversationId })), 'UNAUTHORIZED');
    }
    // Signed by us, but claiming a visitor it is not: the conversation is still not theirs.
    const impostor = await forge({ ...claims, sub: '01ZZZZZZZZZZZZZZZZZZZZZZZZ' }, inAnHour);
    assert.equal(await trpcErrorCode(h.api({ token: impostor }).conversation.history.query({ conversationId })), 'NOT_FOUND');
  });

  it('never puts a token or a key in a URL', async () => {
    const { visitorToken } = await h.session();
    const socket = await h.socket(visitorToken);
    const { uri } = socket.io as unknown as { uri: string };
    assert.ok(!uri.includes(visitorToken) && !uri.includes(h.siteKey));
  });
});
