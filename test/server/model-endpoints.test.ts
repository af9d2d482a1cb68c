/**
 * The model endpoints a site chooses: private addresses refused when saved and
 * when connected to, redirects never followed, the operator deciding who may
 * choose an endpoint at all, and a stored API key sent only where it was set.
 */
import assert from 'node:assert/strict';
import { TRPCClientError } from '@trpc/client';
import { after, before, describe, it } from 'node:test';
import type { EndpointRulesConfig } from '../../server/characters/responders/endpoint-rules.js';
import type { ResponderSettings } from '../../server/characters/responders/settings.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { COULD_NOT_ANSWER } from '../../server/chat/replies.js';
import type { Message } from '../../server/protocol/message.js';
import { startFakeModel, type FakeModel } from './fake-model.js';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

const rules = (changes: Partial<EndpointRulesConfig>): EndpointRulesConfig => ({
  privateHosts: false,
  siteResponders: 'any',
  listedHosts: [],
  ...changes,
});
const QUICK = { replyDeadlines: { firstMs: 1500, idleMs: 1500 } };
const openai = (baseUrl: string, more: Partial<Extract<ResponderSettings, { kind: 'openai' }>> = {}): ResponderSettings => ({
  kind: 'openai',
  baseUrl,
  model: 'ok',
  ...more,
});

/** A visitor's message to `character`, and the character's reply as it arrives. */
async function replyOf(h: Harness, character: string): Promise<Message> {
  const { visitorToken, conversationId } = await h.session(character);
  const socket = await h.socket(visitorToken);
  const reply = new Promise<Message>((resolve) => socket.on('receive_message', (m) => m.sender_type === 'character' && resolve(m)));
  await socket.emitWithAck('send_message', { conversationId, content: 'Hello?' });
  const message = await reply;
  socket.disconnect();
  return message;
}

/** The message a refused call came back with. */
async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error.message;
    throw error;
  }
  return 'NO_ERROR';
}

describe('model endpoints a site chooses', () => {
  let h: Harness;
  /** The operator's own default model, on this machine: sites may not reach it. */
  let local: FakeModel;
  /** Local models the operator allows sites to reach, by host and port. */
  let redirector: FakeModel;
  let other: FakeModel;
  /** Where the redirector sends its requests (allowed too, so only the redirect rule keeps it unreached). */
  let inner: FakeModel;
  before(async () => {
    local = await startFakeModel();
    inner = await startFakeModel({ words: ['internal ', 'secret.'] });
    redirector = await startFakeModel({ redirectTo: `${inner.baseUrl}/chat/completions` });
    other = await startFakeModel();
    const allowed = [redirector, other, inner].map((m) => new URL(m.baseUrl).host);
    h = await startHarness({ config: { ...QUICK, responder: openai(local.baseUrl), responderEndpoints: rules({ privateHosts: allowed }) } });
  });
  after(async () => {
    await h.close();
    await Promise.all([local.close(), inner.close(), redirector.close(), other.close()]);
  });

  it('refuses a private address in every spelling, and a name that resolves to one, when it is saved', async () => {
    const port = new URL(local.baseUrl).port;
    const spellings = [
      local.baseUrl,
      `http://0x7f000001:${port}/v1`,
      `http://2130706433:${port}/v1`,
      `http://127.1:${port}/v1`,
      `http://0177.0.0.1:${port}/v1`,
      `http://[::1]:${port}/v1`,
      `http://[::ffff:127.0.0.1]:${port}/v1`,
      `http://[::127.0.0.1]:${port}/v1`,
      `http://[4000::1]:${port}/v1`,
      `http://localhost:${port}/v1`,
      `http://localhost:${new URL(other.baseUrl).port}/v1`, // allowed as 127.0.0.1:port, not by another name
      h.url, // the chat server itself
      'http://169.254.169.254/latest',
      'http://10.0.0.8/v1',
      'http://192.168.1.20:11434/v1',
      'http://100.64.0.1/v1',
      'http://0.0.0.0/v1',
      'http://[fe80::1]/v1',
      'http://[fd12::1]/v1',
    ];
    const admin = h.admin();
    for (const [i, baseUrl] of spellings.entries()) {
      const message = await refusal(admin.admin.characters.create.mutate({ slug: `private-${i}`, name: 'P', responder: openai(baseUrl) }));
      assert.match(message, /private address/, `${baseUrl}: ${message}`);
    }
    assert.equal(await trpcErrorCode(admin.admin.site.update.mutate({ responder: openai(`http://127.1:${port}/v1`) })), 'INVALID_INPUT');
    assert.equal(
      await trpcErrorCode(admin.admin.characters.update.mutate({ slug: 'barkeep', responder: openai(`http://localhost:${port}/v1`) })),
      'INVALID_INPUT',
    );
    const stored = await admin.admin.characters.list.query();
    assert.ok(!stored.some((c) => c.slug.startsWith('private-')), 'nothing refused was stored');
    assert.equal(stored.find((c) => c.slug === 'barkeep')!.responder, null);
    assert.equal((await admin.admin.site.get.query()).responder, null);
  });

  it('accepts a public address (nothing is fetched when it is saved)', async () => {
    const created = await h.admin().admin.characters.create.mutate({ slug: 'public', name: 'Public', responder: openai('http://8.8.8.8/v1') });
    assert.equal(created.responder?.kind === 'openai' && created.responder.baseUrl, 'http://8.8.8.8/v1');
  });

  it('lets the server’s own default (the operator’s choice) reach a local model', async () => {
    const before = local.requests.length;
    const reply = await replyOf(h, 'guide');
    assert.match(reply.content, /^Well, hello there/);
    assert.equal(local.requests.length, before + 1);
  });

  it('refuses the connection when a stored address is private by the time a reply runs: the visitor gets the failure text', async () => {
    // Stored without the check (before this rule, or a name that resolved elsewhere when saved).
    const port = new URL(local.baseUrl).port;
    await upsertCharacter(h.app.db, h.siteId, { slug: 'stale-ip', name: 'Stale', responder: openai(`http://0x7f000001:${port}/v1`) });
    await upsertCharacter(h.app.db, h.siteId, { slug: 'stale-name', name: 'Stale', responder: openai(`http://localhost:${port}/v1`) });
    const before = local.requests.length;
    for (const slug of ['stale-ip', 'stale-name']) {
      const reply = await replyOf(h, slug);
      assert.equal(reply.status, 'failed', slug);
      assert.equal(reply.content, COULD_NOT_ANSWER);
    }
    assert.equal(local.requests.length, before, 'the private endpoint saw no request');
  });

  it('does not follow a redirect: the target sees no request and the visitor gets the failure text', async () => {
    await h.admin().admin.characters.create.mutate({ slug: 'bounced', name: 'Bounced', responder: openai(redirector.baseUrl, { model: 'redirect' }) });
    const reply = await replyOf(h, 'bounced');
    assert.equal(redirector.requests.length, 1, 'the endpoint was asked');
    assert.equal(reply.status, 'failed');
    assert.equal(reply.content, COULD_NOT_ANSWER);
    assert.equal(inner.requests.length, 0, 'the redirect was not followed');
  });

  it('keeps a stored API key for its hint only at the same address: a new address needs the key again in full', async () => {
    const admin = h.admin();
    const a = redirector.baseUrl; // answers normally for model "ok"
    await admin.admin.characters.create.mutate({ slug: 'keyed', name: 'Keyed', responder: openai(a, { apiKey: 'sk-first-key-0001' }) });
    const hint = '…0001';

    const moved = await refusal(admin.admin.characters.update.mutate({ slug: 'keyed', responder: openai(other.baseUrl, { apiKey: hint }) }));
    assert.match(moved, /API key again in full/);
    const kept = (await admin.admin.characters.list.query()).find((c) => c.slug === 'keyed')!;
    assert.deepEqual(kept.responder, openai(a, { apiKey: hint }), 'nothing changed');

    // The same address (spelt with a trailing slash) keeps the key: the endpoint is sent it.
    await admin.admin.characters.update.mutate({ slug: 'keyed', responder: openai(`${a}/`, { apiKey: hint, temperature: 0.5 }) });
    await replyOf(h, 'keyed');
    assert.equal(redirector.requests.at(-1)?.authorization, 'Bearer sk-first-key-0001');

    // A new address with the key in full is accepted, and only that key goes there.
    await admin.admin.characters.update.mutate({ slug: 'keyed', responder: openai(other.baseUrl, { apiKey: 'sk-second-key-0002' }) });
    await replyOf(h, 'keyed');
    assert.equal(other.requests.at(-1)?.authorization, 'Bearer sk-second-key-0002');

    // The same rule for a site's default model.
    await admin.admin.site.update.mutate({ responder: openai(a, { apiKey: 'sk-site-key-0003' }) });
    assert.match(await refusal(admin.admin.site.update.mutate({ responder: openai(other.baseUrl, { apiKey: '…0003' }) })), /API key again in full/);
    assert.deepEqual((await admin.admin.site.get.query()).responder, openai(a, { apiKey: '…0003' }));
  });
});

describe('model endpoints: who may choose one (the operator’s choice)', () => {
  let model: FakeModel;
  before(async () => (model = await startFakeModel()));
  after(() => model.close());

  it('with TIPSY_SITE_RESPONDERS=none, refuses every endpoint a site chooses (NOT_ALLOWED), and one stored before', async () => {
    const h = await startHarness({ config: { ...QUICK, responderEndpoints: rules({ siteResponders: 'none', privateHosts: true }) } });
    try {
      const admin = h.admin();
      assert.equal(await trpcErrorCode(admin.admin.site.update.mutate({ responder: openai('http://8.8.8.8/v1') })), 'NOT_ALLOWED');
      assert.equal(
        await trpcErrorCode(admin.admin.characters.create.mutate({ slug: 'chosen', name: 'Chosen', responder: openai('http://8.8.8.8/v1') })),
        'NOT_ALLOWED',
      );
      assert.equal(await trpcErrorCode(admin.admin.characters.update.mutate({ slug: 'barkeep', responder: openai(model.baseUrl) })), 'NOT_ALLOWED');
      assert.equal(await trpcErrorCode(admin.admin.characters.update.mutate({ slug: 'barkeep', responder: { kind: 'simulated' } })), 'NO_ERROR');
      await upsertCharacter(h.app.db, h.siteId, { slug: 'stored', name: 'Stored', responder: openai(model.baseUrl) });
      const reply = await replyOf(h, 'stored');
      assert.equal(reply.content, COULD_NOT_ANSWER);
      assert.equal(model.requests.length, 0, 'the endpoint saw no request');
    } finally {
      await h.close();
    }
  });

  it('with TIPSY_SITE_RESPONDERS=listed, accepts only the listed hosts', async () => {
    const h = await startHarness({ config: { ...QUICK, responderEndpoints: rules({ siteResponders: 'listed', listedHosts: ['8.8.8.8:443'] }) } });
    try {
      const admin = h.admin();
      assert.equal(await trpcErrorCode(admin.admin.site.update.mutate({ responder: openai('https://8.8.8.8/v1') })), 'NO_ERROR');
      assert.equal(await trpcErrorCode(admin.admin.site.update.mutate({ responder: openai('http://8.8.8.8/v1') })), 'NOT_ALLOWED', 'another port');
      assert.equal(await trpcErrorCode(admin.admin.site.update.mutate({ responder: openai('https://1.1.1.1/v1') })), 'NOT_ALLOWED');
    } finally {
      await h.close();
    }
  });
});
