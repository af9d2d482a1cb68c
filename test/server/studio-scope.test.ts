/**
 * Every admin procedure, called from another site's studio session with this site's ids: none
 * reads or changes anything of this site's. The table below must name every `admin.*` procedure
 * the router has, so a procedure added later without a line here fails this test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../../server/protocol/api.js';
import { appRouter } from '../../server/trpc/router.js';
import { createSite } from '../../server/auth/sites.js';
import { SITE_ORIGIN, startHarness, trpcErrorCode, type Client, type Harness } from './harness.js';

type Call = (outsider: Client) => Promise<unknown>;

describe('another site’s studio reaches nothing of this site’s, on every admin procedure', () => {
  let h: Harness;
  let outsider: Client;
  const ours: { conversationId: string; visitorId: string; keyId: string; webhookId: string } = { conversationId: '', visitorId: '', keyId: '', webhookId: '' };

  before(async () => {
    // Webhook addresses are checked when registered: the loopback stands in for a receiver nobody calls.
    h = await startHarness({ config: { webhooks: { privateHosts: ['127.0.0.1'], retryBaseMs: 150, maxAttempts: 3 } } });
    const { conversationId } = await h.session('barkeep');
    const owner = h.admin();
    const listed = await owner.admin.conversations.list.query({});
    ours.conversationId = conversationId;
    ours.visitorId = listed.conversations.find((c) => c.id === conversationId)!.visitorId;
    ours.keyId = (await owner.admin.keys.list.query())[0]!.id;
    ours.webhookId = (await owner.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/tipsy', events: ['message.created'] })).id;

    // The other site's owner, signed in to the studio with a one-time link.
    const other = await createSite(h.app.db, { name: 'Elsewhere', origins: [SITE_ORIGIN] });
    const headers = { 'x-tipsy-studio': '1', origin: h.url, 'sec-fetch-site': 'same-origin' };
    const signIn = await fetch(`${h.url}/studio/api/sign-in`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ link: (await h.app.services.studio.createLink(other.siteId)).token }),
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    outsider = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${h.url}/trpc`, headers: { ...headers, cookie } })] });
  });
  after(() => h.close());

  const notFound = (call: Call): Call => async (client) => assert.equal(await trpcErrorCode(call(client)), 'NOT_FOUND');
  const draft = { name: 'Spy', persona: 'Reads other sites.' };

  /** Each procedure, as the outsider would aim it at this site; what it answers is checked here or by what stays below. */
  const CALLS: Record<string, Call> = {
    'admin.site.get': async (c) => assert.equal((await c.admin.site.get.query()).name, 'Elsewhere'),
    'admin.site.update': (c) => c.admin.site.update.mutate({ name: 'Renamed elsewhere' }),
    'admin.site.usage': (c) => c.admin.site.usage.query(),
    'admin.site.stats': async (c) => assert.equal((await c.admin.site.stats.query({ days: 1 })).days[0]!.conversations, 0),
    'admin.site.rotateIdentitySecret': async (c) => assert.notEqual((await c.admin.site.rotateIdentitySecret.mutate()).identitySecret, h.site.identitySecret),
    'admin.keys.list': async (c) => assert.equal((await c.admin.keys.list.query()).some((k) => k.id === ours.keyId), false),
    'admin.keys.create': (c) => c.admin.keys.create.mutate({ kind: 'publishable' }),
    'admin.keys.rotate': notFound((c) => c.admin.keys.rotate.mutate({ keyId: ours.keyId })),
    'admin.keys.revoke': notFound((c) => c.admin.keys.revoke.mutate({ keyId: ours.keyId })),
    'admin.characters.list': async (c) => assert.equal((await c.admin.characters.list.query()).length, 0),
    'admin.characters.create': (c) => c.admin.characters.create.mutate({ slug: 'spy', ...draft }),
    'admin.characters.update': notFound((c) => c.admin.characters.update.mutate({ slug: 'barkeep', name: 'Taken' })),
    'admin.characters.delete': notFound((c) => c.admin.characters.delete.mutate({ slug: 'barkeep' })),
    'admin.characters.import': (c) => c.admin.characters.import.mutate({ card: { spec: 'chara_card_v2', spec_version: '2.0', data: { name: 'Barkeep', first_mes: 'Hi' } }, slug: 'imported' }),
    'admin.characters.export': notFound((c) => c.admin.characters.export.query({ slug: 'barkeep' })),
    'admin.characters.setAvatar': notFound((c) => c.admin.characters.setAvatar.mutate({ slug: 'barkeep', imageBase64: 'iVBORw0KGgo=' })),
    'admin.characters.preview': notFound((c) => c.admin.characters.preview.mutate({ draft, slug: 'barkeep' })),
    'admin.characters.testResponder': notFound((c) => c.admin.characters.testResponder.mutate({ slug: 'barkeep' })),
    'admin.conversations.list': async (c) => {
      assert.equal((await c.admin.conversations.list.query({})).conversations.length, 0);
      assert.equal((await c.admin.conversations.list.query({ query: 'a', character: 'barkeep' })).conversations.length, 0);
    },
    'admin.conversations.transcript': notFound((c) => c.admin.conversations.transcript.query({ conversationId: ours.conversationId })),
    'admin.conversations.deleteVisitor': notFound((c) => c.admin.conversations.deleteVisitor.mutate({ visitorId: ours.visitorId })),
    'admin.conversations.takeOver': notFound((c) => c.admin.conversations.takeOver.mutate({ conversationId: ours.conversationId, name: 'Spy' })),
    'admin.conversations.reply': notFound((c) => c.admin.conversations.reply.mutate({ conversationId: ours.conversationId, content: 'Hello from elsewhere' })),
    'admin.conversations.typing': notFound((c) => c.admin.conversations.typing.mutate({ conversationId: ours.conversationId, typing: true })),
    'admin.conversations.release': notFound((c) => c.admin.conversations.release.mutate({ conversationId: ours.conversationId })),
    'admin.webhooks.create': (c) => c.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/spy', events: ['message.created'] }),
    'admin.webhooks.list': async (c) => assert.equal((await c.admin.webhooks.list.query()).some((w) => w.id === ours.webhookId), false),
    'admin.webhooks.remove': notFound((c) => c.admin.webhooks.remove.mutate({ id: ours.webhookId })),
    'admin.webhooks.deliveries': async (c) => {
      const answer = c.admin.webhooks.deliveries.query({ webhookId: ours.webhookId });
      const code = await trpcErrorCode(answer);
      if (code !== 'NOT_FOUND') assert.deepEqual(await answer, [], 'none of this site’s deliveries');
    },
  };

  it('has a call for every admin procedure', () => {
    const procedures = Object.keys(appRouter._def.procedures).filter((path) => path.startsWith('admin.')).sort();
    assert.deepEqual(Object.keys(CALLS).sort(), procedures);
  });

  it('refuses or answers only its own, and leaves this site as it was', async () => {
    const owner = h.admin();
    const before = {
      site: await owner.admin.site.get.query(),
      characters: (await owner.admin.characters.list.query()).map((c) => [c.slug, c.name]),
      transcript: await owner.admin.conversations.transcript.query({ conversationId: ours.conversationId }),
    };
    for (const [path, call] of Object.entries(CALLS)) {
      await call(outsider).catch((error: Error) => assert.fail(`${path} from another site: ${error.message}`));
    }
    assert.deepEqual(await owner.admin.site.get.query(), before.site);
    assert.deepEqual((await owner.admin.characters.list.query()).map((c) => [c.slug, c.name]), before.characters);
    assert.deepEqual(await owner.admin.conversations.transcript.query({ conversationId: ours.conversationId }), before.transcript);
    assert.equal((await owner.admin.conversations.list.query({})).conversations.find((c) => c.id === ours.conversationId)?.agentName, null);
    assert.equal((await owner.admin.keys.list.query()).find((k) => k.id === ours.keyId)?.revokedAt, null);
    assert.equal((await owner.admin.webhooks.list.query()).some((w) => w.id === ours.webhookId), true);
    // This site's visitors still start sessions with its key, under its identity secret.
    assert.ok((await h.session('barkeep')).visitorToken);
  });
});
