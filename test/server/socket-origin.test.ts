/**
 * The socket origin lock holds across an Engine.IO session's requests: a
 * socket is judged by the origin its session is bound to, whichever request
 * carried its CONNECT packet and whenever that origin was bound. Raw Engine.IO
 * long-polling over fetch, as an attacking page's script would drive it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSite } from '../../server/auth/sites.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { startHarness, SITE_ORIGIN, type Harness } from './harness.js';

/** Another tenant: its origin is known to the server, but not allowed for the test shop's visitors. */
const OTHER_ORIGIN = 'https://other-tenant.example';

describe('socket origin lock across an Engine.IO session', () => {
  let h: Harness;
  let other: Awaited<ReturnType<typeof createSite>>;
  before(async () => {
    h = await startHarness();
    other = await createSite(h.app.db, { name: 'Other tenant', origins: [OTHER_ORIGIN] });
    await upsertCharacter(h.app.db, other.siteId, { slug: 'host', name: 'Host', persona: 'A host.' });
  });
  after(() => h.close());

  const polling = (sid?: string) => `${h.url}/socket.io/?EIO=4&transport=polling${sid ? `&sid=${sid}` : ''}`;
  const originHeader = (origin?: string): Record<string, string> => (origin ? { origin } : {});

  /** A polling handshake; resolves with the session id. */
  async function handshake(origin?: string): Promise<string> {
    const res = await fetch(polling(), { headers: originHeader(origin) });
    assert.equal(res.status, 200);
    return (JSON.parse((await res.text()).slice(1)) as { sid: string }).sid;
  }
  /** Sends Engine.IO packets in a POST. */
  const send = (sid: string, body: string, origin?: string) =>
    fetch(polling(sid), { method: 'POST', headers: { ...originHeader(origin), 'content-type': 'text/plain;charset=UTF-8' }, body });
  const poll = (sid: string, origin?: string) => fetch(polling(sid), { headers: originHeader(origin) });
  const connectPacket = (token: string) => `40${JSON.stringify({ token })}`;
  /** Sockets of this server whose Engine.IO session is `sid`. */
  const socketsOn = (sid: string) => [...h.app.io.of('/').sockets.values()].filter((s) => (s.conn as unknown as { id: string }).id === sid);

  it('refuses a CONNECT carried by a request from another tenant’s origin after a handshake without one', async () => {
    const { visitorToken } = await h.session();
    const sid = await handshake(); // no Origin, as a same-origin page's GET would be
    const post = await send(sid, connectPacket(visitorToken), OTHER_ORIGIN);
    assert.equal(post.status, 200, 'the origin is known (another site lists it), so the request itself passes');
    const answer = await (await poll(sid, OTHER_ORIGIN)).text();
    assert.match(answer, /^44/, `a CONNECT_ERROR packet, not a connection: ${answer}`);
    assert.match(answer, /FORBIDDEN_ORIGIN/);
    assert.equal(socketsOn(sid).length, 0);
  });

  it('reads a repeated sid as Engine.IO does: a second one cannot smuggle a request past the gate', async () => {
    const sid = await handshake(SITE_ORIGIN);
    const sessions = h.app.io.engine.clientsCount;
    const evil = 'https://evil.example'; // no site lists it
    for (const url of [`${polling()}&sid=unknown&sid=`, `${polling()}&sid=unknown&sid=${sid}`, `${polling(sid)}&sid=${sid}`]) {
      const res = await fetch(url, { headers: { origin: evil } });
      assert.notEqual(res.status, 200, url);
      assert.equal(res.headers.get('access-control-allow-origin'), null, `no CORS for ${url}`);
      await res.arrayBuffer();
    }
    assert.equal(h.app.io.engine.clientsCount, sessions, 'no session was made');
    const foreign = await fetch(`${polling()}&sid=unknown&sid=${sid}`, { headers: { origin: OTHER_ORIGIN } });
    assert.notEqual(foreign.status, 200, 'a session bound to one origin takes no request from another');
    await foreign.arrayBuffer();
  });

  it('ends a socket when its session then binds an origin its site does not allow', async () => {
    const { visitorToken } = await h.session();
    const sid = await handshake();
    assert.equal((await send(sid, connectPacket(visitorToken))).status, 200); // no Origin at all: a script
    assert.match(await (await poll(sid)).text(), /^40\{"sid"/);
    assert.equal(socketsOn(sid).length, 1);

    const foreign = await poll(sid, OTHER_ORIGIN);
    assert.equal(foreign.status, 400, 'the request that binds a foreign origin is refused');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null, 'and no page on that origin may read it');
    assert.equal(socketsOn(sid).length, 0, 'the socket is gone');
    assert.equal((await poll(sid)).status, 400, 'and so is the session');
  });

  it('lets a same-origin page bind its own, allowed origin with its CONNECT', async () => {
    const { visitorToken } = await h.session();
    const sid = await handshake();
    assert.equal((await send(sid, connectPacket(visitorToken), SITE_ORIGIN)).status, 200);
    assert.match(await (await poll(sid, SITE_ORIGIN)).text(), /^40\{"sid"/);
    assert.equal(socketsOn(sid).length, 1);
    assert.equal((await send(sid, '1', SITE_ORIGIN)).status, 200); // closes the session
  });

  it('re-checks a socket against its session’s bound origin when its site’s origins change', async () => {
    const session = await h.api({ origin: OTHER_ORIGIN }).session.start.mutate({ siteKey: other.publishableKey });
    const sid = await handshake();
    await send(sid, connectPacket(session.visitorToken), OTHER_ORIGIN);
    assert.match(await (await poll(sid, OTHER_ORIGIN)).text(), /^40\{"sid"/);
    assert.equal(socketsOn(sid).length, 1);
    // The site drops the origin the socket's session is bound to (its handshake carried none).
    await h.admin(other.secretKey).admin.site.update.mutate({ origins: ['https://moved.example'] });
    assert.equal(socketsOn(sid).length, 0);
  });
});
