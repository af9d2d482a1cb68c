import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
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

  it('takes a page on the chat server’s own origin (the studio’s previews) as one of its own, and only that origin', async () => {
    const own = h.url; // Node's fetch sends Host as the URL names it, as a browser does
    const session = await h.api({ origin: own }).session.start.mutate({ siteKey: h.siteKey });
    const history = await h.api({ token: session.visitorToken, origin: own }).conversation.history.query({ conversationId: session.conversationId });
    assert.ok(Array.isArray(history.messages));
    const socket = await h.socket(session.visitorToken, { origin: own });
    try {
      const ack = await socket.emitWithAck('send_message', { conversationId: session.conversationId, content: 'from the studio' });
      assert.equal(ack.ok, true);
    } finally {
      socket.close();
    }
    // The same host on another port is another origin, which the site does not list.
    const port = Number(new URL(own).port);
    const neighbour = `http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}`;
    assert.equal(await trpcErrorCode(h.api({ origin: neighbour }).session.start.mutate({ siteKey: h.siteKey })), 'FORBIDDEN_ORIGIN');
    await assert.rejects(h.socket(session.visitorToken, { origin: neighbour }));
  });

  it('takes no other name for its own: a page whose name points at this server (DNS rebinding) is another origin', async () => {
    const port = new URL(h.url).port;
    const rebound = `http://rebound.example:${port}`;
    // As the browser would send it: Origin and Host both the page's name.
    const code = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, path: '/trpc/session.start', method: 'POST', headers: { host: `rebound.example:${port}`, origin: rebound, 'content-type': 'application/json' } },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve((JSON.parse(body) as { error?: { data: { errorCode: string } } }).error?.data.errorCode ?? 'NO_ERROR'));
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify({ siteKey: h.siteKey }));
    });
    assert.equal(code, 'FORBIDDEN_ORIGIN');
  });

  it('takes TIPSY_PUBLIC_URL’s origin as its own', async () => {
    const behindProxy = await startHarness({ config: { publicOrigin: 'https://chat.example.com' } });
    try {
      const session = await behindProxy.api({ origin: 'https://chat.example.com' }).session.start.mutate({ siteKey: behindProxy.siteKey });
      assert.ok(session.visitorToken);
      assert.equal(await trpcErrorCode(behindProxy.api({ origin: 'https://shop.chat.example.com' }).session.start.mutate({ siteKey: behindProxy.siteKey })), 'FORBIDDEN_ORIGIN');
    } finally {
      await behindProxy.close();
    }
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

  it('binds a Socket.IO session to its handshake origin: a poll from elsewhere with the same sid is refused', async () => {
    const handshake = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: SITE_ORIGIN } });
    const { sid } = JSON.parse((await handshake.text()).slice(1)) as { sid: string };
    const hijack = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { headers: { origin: 'http://evil.example' } });
    assert.equal(hijack.status, 400);
    assert.equal(hijack.headers.get('access-control-allow-origin'), null);
    const own = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
      method: 'POST',
      headers: { origin: SITE_ORIGIN, 'content-type': 'text/plain' },
      body: '1',
    });
    assert.equal(own.status, 200);
  });

  it('refuses a socket whose token is for a site that does not list the page’s origin', async () => {
    const { createSite } = await import('../../server/auth/sites.js');
    await createSite(h.app.db, { name: 'Elsewhere', origins: ['https://elsewhere.example'] });
    const { visitorToken } = await h.session();
    // The origin is known (another site lists it), but not to the token's site.
    await assert.rejects(
      h.socket(visitorToken, { origin: 'https://elsewhere.example' }),
      (err: Error & { data?: { code: string } }) => err.data?.code === 'FORBIDDEN_ORIGIN',
    );
  });

  it('answers a CORS preflight without granting anything, and reflects only verified origins', async () => {
    const preflight = await fetch(`${h.url}/trpc/conversation.history`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
    const refused = await fetch(`${h.url}/trpc/session.start`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey: h.siteKey }),
    });
    const body = (await refused.json()) as { error: { data: { errorCode: string } } };
    assert.equal(body.error.data.errorCode, 'FORBIDDEN_ORIGIN');
    assert.ok(!('result' in body));
  });

  it('lets a same-origin page (no Origin on its handshake GET) go on with its own origin, and only that one', async () => {
    const handshake = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling`);
    const { sid } = JSON.parse((await handshake.text()).slice(1)) as { sid: string };
    const post = (origin: string) =>
      fetch(`${h.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
        method: 'POST',
        headers: { origin, 'content-type': 'text/plain' },
        body: '1',
      }).then((r) => r.status);
    assert.equal(await post('http://evil.example'), 400, 'an unknown origin cannot take the session');
    assert.equal(await post(SITE_ORIGIN), 200);
    const { createSite } = await import('../../server/auth/sites.js');
    await createSite(h.app.db, { name: 'Another', origins: ['https://another.example'] });
    assert.equal(await post('https://another.example'), 400, 'once bound, the session keeps its origin');
  });
});
