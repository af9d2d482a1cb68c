import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSite } from '../../server/auth/sites.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { SITE_ORIGIN, startHarness, trpcErrorCode, type Harness } from './harness.js';

const disconnected = (socket: ChatSocket) => new Promise<string>((resolve) => socket.once('disconnect', resolve));

describe('admin API (secret key)', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('answers only to a live secret key, and never to a browser', async () => {
    const site = await h.admin().admin.site.get.query();
    assert.equal(site.id, h.siteId);
    assert.deepEqual(site.origins, [SITE_ORIGIN]);
    assert.equal(await trpcErrorCode(h.admin(h.siteKey).admin.site.get.query()), 'UNAUTHORIZED');
    assert.equal(await trpcErrorCode(h.admin('sk_guessed').admin.site.get.query()), 'UNAUTHORIZED');
    assert.equal(await trpcErrorCode(h.api({ origin: null }).admin.site.get.query()), 'UNAUTHORIZED');
    const fromBrowser = h.api({ token: h.site.secretKey, origin: SITE_ORIGIN });
    assert.equal(await trpcErrorCode(fromBrowser.admin.site.get.query()), 'FORBIDDEN_ORIGIN');
  });

  it('stores secret keys hashed, shows them once, and refuses to revoke the last one', async () => {
    const admin = h.admin();
    const issued = await admin.admin.keys.create.mutate({ kind: 'secret' });
    assert.match(issued.key, /^sk_/);
    const listed = await admin.admin.keys.list.query();
    const shown = listed.find((k) => k.id === issued.id)!;
    assert.equal(shown.display, `sk_…${issued.key.slice(-4)}`);
    const stored = await h.app.db.selectFrom('site_keys').select('key').where('id', '=', issued.id).executeTakeFirstOrThrow();
    assert.notEqual(stored.key, issued.key);
    assert.match(stored.key, /^[0-9a-f]{64}$/);

    await h.admin(issued.key).admin.keys.revoke.mutate({ keyId: issued.id });
    assert.equal(await trpcErrorCode(h.admin(issued.key).admin.site.get.query()), 'UNAUTHORIZED');
    const original = listed.find((k) => k.kind === 'secret' && k.id !== issued.id)!;
    assert.equal(await trpcErrorCode(admin.admin.keys.revoke.mutate({ keyId: original.id })), 'INVALID_INPUT');
  });

  it('a revoked publishable key stops at once: new sessions, its visitors’ calls, and open sockets', async () => {
    const extra = await h.admin().admin.keys.create.mutate({ kind: 'publishable' });
    const session = await h.api().session.start.mutate({ siteKey: extra.key });
    const socket = await h.socket(session.visitorToken);
    const gone = disconnected(socket);
    await h.admin().admin.keys.revoke.mutate({ keyId: extra.id });

    assert.equal(await gone, 'io server disconnect');
    assert.equal(await trpcErrorCode(h.api().session.start.mutate({ siteKey: extra.key })), 'UNAUTHORIZED');
    const api = h.api({ token: session.visitorToken });
    assert.equal(await trpcErrorCode(api.conversation.history.query({ conversationId: session.conversationId })), 'UNAUTHORIZED');
    await assert.rejects(h.socket(session.visitorToken), (err: Error & { data?: { code: string } }) => err.data?.code === 'UNAUTHORIZED');
  });

  it('rotating a key issues a working one and retires the old', async () => {
    const extra = await h.admin().admin.keys.create.mutate({ kind: 'publishable' });
    const rotated = await h.admin().admin.keys.rotate.mutate({ keyId: extra.id });
    assert.equal(rotated.kind, 'publishable');
    assert.equal(await trpcErrorCode(h.api().session.start.mutate({ siteKey: extra.key })), 'UNAUTHORIZED');
    assert.ok((await h.api().session.start.mutate({ siteKey: rotated.key })).conversationId);
  });

  it('changing origins applies at once, to open sockets too', async () => {
    const site = await createSite(h.app.db, { name: 'Movable', origins: ['https://old.example', 'https://keep.example'] });
    const admin = h.admin(site.secretKey);
    await admin.admin.characters.create.mutate({ slug: 'host', name: 'Host' });
    const session = await h.api({ origin: 'https://old.example' }).session.start.mutate({ siteKey: site.publishableKey });
    const socket = await h.socket(session.visitorToken, { origin: 'https://old.example' });
    const gone = disconnected(socket);
    const updated = await admin.admin.site.update.mutate({ origins: ['https://keep.example', 'https://*.new.example'] });
    assert.deepEqual(updated.origins, ['https://*.new.example', 'https://keep.example']);
    assert.equal(await gone, 'io server disconnect');
    const start = (origin: string) => h.api({ origin }).session.start.mutate({ siteKey: site.publishableKey });
    assert.equal(await trpcErrorCode(start('https://old.example')), 'FORBIDDEN_ORIGIN');
    assert.ok(await start('https://shop.new.example'));
    assert.equal(await trpcErrorCode(start('https://new.example')), 'FORBIDDEN_ORIGIN');
    assert.equal(await trpcErrorCode(start('https://evilnew.example')), 'FORBIDDEN_ORIGIN');
    assert.equal(await trpcErrorCode(admin.admin.site.update.mutate({ origins: ['javascript:alert(1)'] })), 'INVALID_INPUT');
  });

  it('manages characters, refusing unsafe avatars and duplicate slugs', async () => {
    const admin = h.admin();
    const created = await admin.admin.characters.create.mutate({
      slug: 'sommelier',
      name: 'Sommelier',
      avatarUrl: 'https://cdn.example/s.png',
      persona: 'Knows wine.',
    });
    assert.equal(created.slug, 'sommelier');
    assert.equal(await trpcErrorCode(admin.admin.characters.create.mutate({ slug: 'sommelier', name: 'Again' })), 'INVALID_INPUT');
    for (const avatarUrl of ['javascript:alert(1)', 'data:image/svg+xml,<svg onload=alert(1)>', '//evil.example/a.png']) {
      assert.equal(await trpcErrorCode(admin.admin.characters.create.mutate({ slug: 'x', name: 'X', avatarUrl })), 'INVALID_INPUT');
    }
    const updated = await admin.admin.characters.update.mutate({ slug: 'sommelier', greeting: 'Red or white?' });
    assert.equal(updated.greeting, 'Red or white?');
    assert.ok((await admin.admin.characters.list.query()).some((c) => c.slug === 'sommelier'));
    const session = await h.session('sommelier');
    await admin.admin.characters.delete.mutate({ slug: 'sommelier' });
    assert.equal(await trpcErrorCode(h.session('sommelier')), 'NOT_FOUND');
    const api = h.api({ token: session.visitorToken });
    assert.equal(await trpcErrorCode(api.conversation.history.query({ conversationId: session.conversationId })), 'NOT_FOUND');
  });

  it('lists and reads the site’s conversations, and erases a visitor’s data', async () => {
    const { visitorToken, conversationId } = await h.session();
    await h.api({ token: visitorToken }).message.send.mutate({ conversationId, content: 'Please forget me' });
    const admin = h.admin();
    const { conversations } = await admin.admin.conversations.list.query({ limit: 100 });
    const mine = conversations.find((c) => c.id === conversationId)!;
    assert.equal(mine.character, 'barkeep');
    const transcript = await admin.admin.conversations.transcript.query({ conversationId });
    assert.equal(transcript.messages[0]?.content, 'Please forget me');

    const result = await admin.admin.conversations.deleteVisitor.mutate({ visitorId: mine.visitorId });
    assert.equal(result.deletedConversations, 1);
    assert.equal(await trpcErrorCode(admin.admin.conversations.transcript.query({ conversationId })), 'NOT_FOUND');
    const left = await h.app.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute();
    assert.equal(left.length, 0);
  });

  it('scopes everything to the key’s own site', async () => {
    const other = await createSite(h.app.db, { name: 'Other', origins: [SITE_ORIGIN] });
    const { conversationId } = await h.session();
    const outsider = h.admin(other.secretKey);
    assert.equal(await trpcErrorCode(outsider.admin.conversations.transcript.query({ conversationId })), 'NOT_FOUND');
    assert.equal((await outsider.admin.conversations.list.query({})).conversations.length, 0);
    assert.equal((await outsider.admin.characters.list.query()).length, 0);
    const keys = await h.admin().admin.keys.list.query();
    assert.equal(await trpcErrorCode(outsider.admin.keys.revoke.mutate({ keyId: keys[0]!.id })), 'NOT_FOUND');
  });
});
