/**
 * Signing in to the studio: a one-time link (or the secret key, read once) becomes a session
 * whose token lives only in an HttpOnly, SameSite=Strict cookie; admin calls from the studio's
 * page on the server's own origin go through with it, and nothing from another site does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STUDIO_IDLE_MS } from '../../server/auth/studio-sessions.js';
import { createSite } from '../../server/auth/sites.js';
import { startHarness, type Harness } from './harness.js';

describe('studio sign-in', () => {
  let h: Harness;
  // Room for this file's sign-ins; the last test meets the default limit on a server of its own.
  before(async () => (h = await startHarness({ config: { limits: { studioSignInsPerIp: { points: 1000, seconds: 600 } } } })));
  after(() => h.close());

  const studioHeaders = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', 'x-tipsy-studio': '1', origin: h.url, 'sec-fetch-site': 'same-origin', ...extra });
  const signIn = (body: object, headers = studioHeaders()) => fetch(`${h.url}/studio/api/sign-in`, { method: 'POST', headers, body: JSON.stringify(body) });
  const link = async (siteId = h.siteId, minutes?: number) => (await h.app.services.studio.createLink(siteId, minutes)).token;
  const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;
  /** An admin query as the studio's page makes it: its cookie, its header, this origin. */
  const adminGet = (cookie: string, headers: Record<string, string> = studioHeaders()) =>
    fetch(`${h.url}/trpc/admin.site.get`, { headers: { ...headers, cookie } }).then(async (r) => ({ status: r.status, body: (await r.json()) as { result?: { data: { id: string } }; error?: { data: { errorCode: string } } } }));

  it('turns a one-time link into an HttpOnly, SameSite=Strict session cookie that admin calls accept', async () => {
    const response = await signIn({ link: await link() });
    assert.equal(response.status, 200);
    const setCookie = response.headers.get('set-cookie')!;
    assert.match(setCookie, /^tipsy_studio=ss_[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/, 'no Secure over plain HTTP, and no lifetime: the server ends idle sessions');
    assert.deepEqual(await response.json(), { siteId: h.siteId });
    const { status, body } = await adminGet(cookieOf(response));
    assert.equal(status, 200);
    assert.equal(body.result!.data.id, h.siteId);
    // The same-origin GET a browser sends without an Origin header works too.
    const { origin: _origin, ...noOrigin } = studioHeaders();
    assert.equal((await adminGet(cookieOf(response), noOrigin)).status, 200);
    // Only hashes are stored: the cookie's token is nowhere in the database.
    const token = cookieOf(response).split('=')[1]!;
    const rows = await h.app.db.selectFrom('studio_sessions').selectAll().execute();
    assert.ok(rows.length >= 1 && rows.every((r) => r.token_hash !== token && !JSON.stringify(r).includes(token)));
  });

  it('refuses a used link, an expired link and a wrong secret key, and accepts the right key once', async () => {
    const once = await link();
    assert.equal((await signIn({ link: once })).status, 200);
    const again = await signIn({ link: once });
    assert.equal(again.status, 401);
    assert.equal(((await again.json()) as { error: { data: { errorCode: string } } }).error.data.errorCode, 'UNAUTHORIZED');
    const expired = await link();
    await h.app.db.updateTable('studio_links').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('used_at', 'is', null).execute();
    assert.equal((await signIn({ link: expired })).status, 401);
    assert.equal((await signIn({ secretKey: 'sk_not_a_key' })).status, 401);
    assert.equal((await signIn({ link: 'x'.repeat(5000) })).status, 400, 'bounded input');
    const byKey = await signIn({ secretKey: h.site.secretKey });
    assert.equal(byKey.status, 200);
    assert.equal((await adminGet(cookieOf(byKey))).status, 200);
  });

  it('refuses cross-site requests: another origin, no studio header, another site’s fetch', async () => {
    const cookie = cookieOf(await signIn({ link: await link() }));
    const codeOf = async (headers: Record<string, string>) => (await adminGet(cookie, headers)).body.error?.data.errorCode;
    assert.equal(await codeOf(studioHeaders({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })), 'FORBIDDEN_ORIGIN');
    assert.equal(await codeOf(studioHeaders({ 'sec-fetch-site': 'cross-site' })), 'FORBIDDEN_ORIGIN', 'a cross-site fetch is not the studio, whatever Origin it claims');
    const { 'x-tipsy-studio': _header, ...withoutHeader } = studioHeaders();
    assert.equal(await codeOf(withoutHeader), 'FORBIDDEN_ORIGIN', 'a browser call without the header is not the studio');
    // Sign-in itself only from the studio's page: a form on another site cannot start a session.
    const forged = await signIn({ link: await link() }, studioHeaders({ origin: 'https://evil.example' }));
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.get('set-cookie'), null);
  });

  it('keeps a session to its own site, ends it at sign-out, when idle, or for everyone at once', async () => {
    const other = await createSite(h.app.db, { name: 'Other shop', origins: ['https://other.example'] });
    const cookie = cookieOf(await signIn({ link: await link(other.siteId) }));
    assert.equal((await adminGet(cookie)).body.result!.data.id, other.siteId, 'the link’s site, never another');

    const signOut = await fetch(`${h.url}/studio/api/sign-out`, { method: 'POST', headers: { ...studioHeaders(), cookie }, body: '{}' });
    assert.match(signOut.headers.get('set-cookie')!, /^tipsy_studio=; .*Max-Age=0/);
    assert.equal((await adminGet(cookie)).body.error?.data.errorCode, 'UNAUTHORIZED');

    const idle = cookieOf(await signIn({ link: await link() }));
    await h.app.db.updateTable('studio_sessions').set({ last_seen_at: new Date(Date.now() - STUDIO_IDLE_MS - 1000).toISOString() }).execute();
    assert.equal((await adminGet(idle)).body.error?.data.errorCode, 'UNAUTHORIZED', 'idle too long');

    const first = cookieOf(await signIn({ link: await link() }));
    assert.ok((await h.app.services.studio.revokeAll(h.siteId)) >= 1);
    assert.equal((await adminGet(first)).body.error?.data.errorCode, 'UNAUTHORIZED');
  });

  it('ends the sessions a secret key opened when that key is rotated or revoked, not those a link opened', async () => {
    const byKey = cookieOf(await signIn({ secretKey: h.site.secretKey }));
    const byLink = cookieOf(await signIn({ link: await link() }));
    const secret = (await h.admin().admin.keys.list.query()).find((k) => k.kind === 'secret' && !k.revokedAt)!;
    const rotated = await h.admin().admin.keys.rotate.mutate({ keyId: secret.id });
    h.site.secretKey = rotated.key;
    assert.equal((await adminGet(byKey)).body.error?.data.errorCode, 'UNAUTHORIZED', 'a leaked key, rotated, leaves no session behind');
    assert.equal((await adminGet(byLink)).status, 200);
  });

  it('names no session when the cookie comes twice (one planted by a sibling subdomain)', async () => {
    const real = cookieOf(await signIn({ link: await link() }));
    const planted = cookieOf(await signIn({ link: await link() }));
    assert.equal((await adminGet(`${planted}; ${real}`)).body.error?.data.errorCode, 'UNAUTHORIZED');
    assert.equal((await adminGet(`__Host-${real}`)).status, 200, 'the HTTPS name is read too');
  });

  it('limits sign-in attempts per address (10 in 10 minutes by default)', async () => {
    const strict = await startHarness({ database: h.database, site: h.site });
    try {
      const attempt = (body: object) => fetch(`${strict.url}/studio/api/sign-in`, { method: 'POST', headers: studioHeaders({ origin: strict.url }), body: JSON.stringify(body) });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await attempt({ secretKey: `sk_guess_${i}` })).status);
      assert.deepEqual(new Set(statuses), new Set([401]));
      const refused = await attempt({ secretKey: h.site.secretKey });
      assert.equal(refused.status, 429, 'even the right key waits');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
    } finally {
      await strict.stop();
    }
  });

  it('keeps server-to-server admin calls with the secret key as they were', async () => {
    assert.equal((await h.admin().admin.site.get.query()).id, h.siteId);
  });
});
