import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, trpcErrorCode, SITE_ORIGIN, type Harness } from './harness.js';

describe('origin locks', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('refuses session.start from an origin the site does not list, and allows a listed one', async () => {
    assert.equal(
      await trpcErrorCode(h.api({ origin: 'http://evil.example' }).session.start.mutate({ siteKey: h.siteKey })),
      'FORBIDDEN_ORIGIN',
    );
    const res = await fetch(`${h.url}/trpc/session.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE_ORIGIN },
      body: JSON.stringify({ siteKey: h.siteKey }),
    });
    assert.equal(res.headers.get('access-control-allow-origin'), SITE_ORIGIN);
  });

  it('refuses a visitor’s calls from a foreign origin even with a valid token', async () => {
    const { visitorToken, conversationId } = await h.session();
    const api = h.api({ token: visitorToken, origin: 'http://evil.example' });
    assert.equal(await trpcErrorCode(api.conversation.history.query({ conversationId })), 'FORBIDDEN_ORIGIN');
  });

  it('refuses the Socket.IO handshake from an origin no site lists', async () => {
    const { visitorToken } = await h.session();
    await assert.rejects(h.socket(visitorToken, { origin: 'http://evil.example' }));
    const res = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'http://evil.example' } });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const ok = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: SITE_ORIGIN } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), SITE_ORIGIN);
  });
});
