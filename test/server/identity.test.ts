import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userHash } from '../../server/auth/identity.js';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

describe('verified identity (user-id + user-hash)', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  const start = (user: { id: string; hash: string; name?: string }, visitorToken?: string) =>
    h.api().session.start.mutate({ siteKey: h.siteKey, character: 'barkeep', user, visitorToken });

  it('follows the user across browsers: same visitor, same conversation, no token needed', async () => {
    const user = { id: 'user-42', hash: userHash(h.site.identitySecret, 'user-42'), name: 'Ada' };
    const laptop = await start(user);
    await h.api({ token: laptop.visitorToken }).message.send.mutate({ conversationId: laptop.conversationId, content: 'from the laptop' });
    const phone = await start({ ...user, hash: user.hash.toUpperCase() });
    assert.equal(phone.conversationId, laptop.conversationId);
    const { messages } = await h.api({ token: phone.visitorToken }).conversation.history.query({ conversationId: phone.conversationId });
    assert.equal(messages[0]?.content, 'from the laptop');

    const { conversations } = await h.admin().admin.conversations.list.query({ userId: 'user-42' });
    assert.deepEqual(conversations.map((c) => [c.userId, c.userName]), [['user-42', 'Ada']]);
  });

  it('refuses a wrong hash with IDENTITY_REJECTED, never falling back to an anonymous visitor', async () => {
    const visitorsBefore = await h.app.db.selectFrom('visitors').select('id').execute();
    const anonymous = await h.session();
    const wrong = userHash(h.site.identitySecret, 'someone-else');
    assert.equal(await trpcErrorCode(start({ id: 'user-7', hash: wrong }, anonymous.visitorToken)), 'IDENTITY_REJECTED');
    assert.equal(await trpcErrorCode(start({ id: 'user-7', hash: userHash('not-the-secret', 'user-7') })), 'IDENTITY_REJECTED');
    assert.equal(await trpcErrorCode(start({ id: 'user-7', hash: 'abc' })), 'INVALID_INPUT');
    const visitorsAfter = await h.app.db.selectFrom('visitors').select('id').execute();
    assert.equal(visitorsAfter.length, visitorsBefore.length + 1, 'only the anonymous session made a visitor');
  });

  it('does not let an anonymous token or another user’s token stand in for a user', async () => {
    const anonymous = await h.session('barkeep');
    const bound = await start({ id: 'user-9', hash: userHash(h.site.identitySecret, 'user-9') }, anonymous.visitorToken);
    assert.notEqual(bound.conversationId, anonymous.conversationId);
    // The user's token does not make a later anonymous start that user.
    const later = await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'barkeep', visitorToken: bound.visitorToken });
    assert.notEqual(later.conversationId, bound.conversationId);
  });

  it('makes one visitor when a user’s first sessions race', async () => {
    const user = { id: 'user-race', hash: userHash(h.site.identitySecret, 'user-race') };
    const results = await Promise.all(Array.from({ length: 20 }, () => start(user)));
    assert.equal(new Set(results.map((r) => r.conversationId)).size, 1);
  });

  it('stops accepting old hashes once the identity secret is rotated', async () => {
    const id = 'user-rotate';
    const oldHash = userHash(h.site.identitySecret, id);
    await start({ id, hash: oldHash });
    const { identitySecret } = await h.admin().admin.site.rotateIdentitySecret.mutate();
    assert.equal(await trpcErrorCode(start({ id, hash: oldHash })), 'IDENTITY_REJECTED');
    assert.ok(await start({ id, hash: userHash(identitySecret, id) }));
  });
});
