/**
 * What the studio's character editor calls beyond create, update and delete, against the real
 * server (SQLite, or Postgres with TIPSY_TEST_DATABASE=postgres): testing a model endpoint (a
 * real local one), setting an avatar from bytes, and drafts for the live preview.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createSite } from '../../server/auth/sites.js';
import { plainPng } from '../../server/characters/cards.js';
import { startHarness, trpcErrorCode, type Client, type Harness } from './harness.js';
import { startFakeModel, type FakeModel, LOCAL_MODEL_ENDPOINTS } from './fake-model.js';

const BOOK = {
  entries: [{ keys: ['secret recipe'], content: 'Three drops of bitters, then stir.', enabled: true, insertion_order: 100, extensions: {} }],
  extensions: {},
};

/** An endpoint that wants one API key, as a provider would: anything else is 401. */
async function keyedEndpoint(key: string): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    if (req.headers.authorization !== `Bearer ${key}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided.' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(`data: ${JSON.stringify({ id: 'k', object: 'chat.completion.chunk', created: 0, model: 'keyed-model', choices: [{ index: 0, delta: { content: 'OK' } }] })}\n\ndata: [DONE]\n\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}/v1`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A port nothing listens on: one just given up. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the character editor’s admin calls', () => {
  let h: Harness;
  let fake: FakeModel;
  let keyed: Awaited<ReturnType<typeof keyedEndpoint>>;
  let other: { admin: Client; siteKey: string; siteId: string };
  before(async () => {
    // Model endpoints on this machine are allowed by address (127.0.0.1), as an operator would allow one; `localhost` is not.
    h = await startHarness({ config: { responderEndpoints: LOCAL_MODEL_ENDPOINTS } });
    fake = await startFakeModel();
    keyed = await keyedEndpoint('sk-right-key-0001');
    const site = await createSite(h.app.db, { name: 'Another shop', origins: ['http://other.example'] });
    other = { admin: h.admin(site.secretKey), siteKey: site.publishableKey, siteId: site.siteId };
    await other.admin.admin.characters.create.mutate({ slug: 'theirs', name: 'Theirs' });
  });
  after(async () => {
    await keyed?.close();
    await fake?.close();
    await h?.close();
  });

  describe('testResponder', () => {
    it('answers ok with the model and the time to the first words, from a real endpoint', async () => {
      const result = await h.admin().admin.characters.testResponder.mutate({ responder: { kind: 'openai', baseUrl: fake.baseUrl, model: 'tiny', apiKey: 'sk-typed-1234567890' } });
      assert.equal(result.ok, true);
      assert.ok(result.ok && result.model === 'fake' && result.latencyMs >= 0 && result.latencyMs < 10_000);
      assert.equal(fake.requests.at(-1)?.model, 'tiny');
      assert.equal(fake.requests.at(-1)?.authorization, 'Bearer sk-typed-1234567890');
      assert.deepEqual(await h.admin().admin.characters.testResponder.mutate({ responder: { kind: 'simulated' } }), { ok: true, model: 'simulated', latencyMs: 0 });
    });

    it('tests a saved character with its stored key, which the editor only ever shows as a hint', async () => {
      const saved = await h.admin().admin.characters.create.mutate({
        slug: 'keyed',
        name: 'Keyed',
        responder: { kind: 'openai', baseUrl: keyed.baseUrl, model: 'm', apiKey: 'sk-right-key-0001' },
      });
      assert.ok(saved.responder?.kind === 'openai' && saved.responder.apiKey === '…0001', 'the key is never shown back');
      assert.deepEqual(await h.admin().admin.characters.testResponder.mutate({ slug: 'keyed' }).then((r) => r.ok), true);
      // The form's settings, with the hint in place of the key: the stored key is used, for the same address only.
      const viaHint = await h.admin().admin.characters.testResponder.mutate({ slug: 'keyed', responder: saved.responder! });
      assert.equal(viaHint.ok, true);
      const elsewhere = { ...saved.responder!, baseUrl: fake.baseUrl } as const;
      assert.equal(await trpcErrorCode(h.admin().admin.characters.testResponder.mutate({ slug: 'keyed', responder: elsewhere })), 'INVALID_INPUT');
    });

    it('says in words what is wrong: a wrong key, nothing listening, an endpoint failing, a redirect', async () => {
      const test = (baseUrl: string, model = 'm', apiKey = 'sk-wrong-key-0000') =>
        h.admin().admin.characters.testResponder.mutate({ responder: { kind: 'openai', baseUrl, model, apiKey } });
      const wrongKey = await test(keyed.baseUrl);
      assert.equal(wrongKey.ok, false);
      assert.match(!wrongKey.ok ? wrongKey.message : '', /answered 401: check the API key/);
      assert.doesNotMatch(!wrongKey.ok ? wrongKey.message : '', /sk-wrong/, 'never the key');
      const unreachable = await test(`http://127.0.0.1:${await closedPort()}/v1`);
      assert.match(!unreachable.ok ? unreachable.message : '', /could not be reached \(nothing listens at that address\)/);
      const failing = await test(fake.baseUrl, 'http-500');
      assert.match(!failing.ok ? failing.message : '', /answered 500/);
      const redirected = await test(fake.baseUrl, 'redirect');
      assert.match(!redirected.ok ? redirected.message : '', /redirect/);
    });

    it('holds the endpoint to the operator’s rules: a private address is refused, as when saving', async () => {
      for (const baseUrl of ['http://169.254.169.254/v1', 'http://localhost:11434/v1', 'http://10.0.0.7/v1', 'http://[::1]:8080/v1']) {
        const call = other.admin.admin.characters.testResponder.mutate({ responder: { kind: 'openai', baseUrl, model: 'm' } });
        assert.equal(await trpcErrorCode(call), 'INVALID_INPUT', baseUrl);
      }
    });

    it('is scoped to the site, and refuses bad input', async () => {
      assert.equal(await trpcErrorCode(h.admin().admin.characters.testResponder.mutate({ slug: 'theirs' })), 'NOT_FOUND');
      const bad = h.admin().admin.characters.testResponder.mutate({ responder: { kind: 'openai', baseUrl: 'ftp://x.example', model: 'm' } });
      assert.equal(await trpcErrorCode(bad), 'INVALID_INPUT');
      assert.equal(await trpcErrorCode(h.admin().admin.characters.testResponder.mutate({} as never)), 'INVALID_INPUT');
    });

    it('is rate limited per site: 10 a minute of tests that reach out', async () => {
      const site = await createSite(h.app.db, { name: 'Busy shop', origins: [] });
      const admin = h.admin(site.secretKey);
      const responder = { kind: 'openai', baseUrl: fake.baseUrl, model: 'm' } as const;
      for (let i = 0; i < 10; i++) assert.equal((await admin.admin.characters.testResponder.mutate({ responder })).ok, true);
      const sent = fake.requests.length;
      assert.equal(await trpcErrorCode(admin.admin.characters.testResponder.mutate({ responder })), 'RATE_LIMITED');
      assert.equal(fake.requests.length, sent, 'nothing sent once limited');
      // The simulated character reaches nothing: never counted. Another site's tests count on their own.
      assert.equal((await admin.admin.characters.testResponder.mutate({ responder: { kind: 'simulated' } })).ok, true);
      assert.equal((await other.admin.admin.characters.testResponder.mutate({ responder })).ok, true);
    });
  });

  describe('setAvatar', () => {
    it('sets an avatar from a PNG’s bytes, served by the chat server; update({ avatarUrl: null }) removes it', async () => {
      await h.admin().admin.characters.create.mutate({ slug: 'pictured', name: 'Pictured' });
      const png = plainPng('#336699');
      const set = await h.admin().admin.characters.setAvatar.mutate({ slug: 'pictured', imageBase64: png.toString('base64') });
      assert.match(set.avatarUrl ?? '', new RegExp(`^/avatars/${h.siteId}/[0-9a-f]{64}\\.png$`));
      const served = await fetch(`${h.url}${set.avatarUrl}`);
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), png);
      const cleared = await h.admin().admin.characters.update.mutate({ slug: 'pictured', avatarUrl: null });
      assert.equal(cleared.avatarUrl, null);
      assert.equal((await fetch(`${h.url}${set.avatarUrl}`)).status, 404);
    });

    it('refuses what is too large, not an image, SVG or not base64, and another site’s character', async () => {
      const admin = h.admin().admin.characters;
      const pngHeader = plainPng().subarray(0, 8);
      const tooLarge = Buffer.concat([pngHeader, Buffer.alloc(600 * 1024)]).toString('base64');
      const overBody = Buffer.concat([pngHeader, Buffer.alloc(200 * 1024)]).toString('base64');
      const text = Buffer.from('just some text, no image').toString('base64');
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
      for (const imageBase64 of [tooLarge, overBody, text, svg, 'not base64 at all!']) {
        assert.equal(await trpcErrorCode(admin.setAvatar.mutate({ slug: 'pictured', imageBase64 })), 'INVALID_INPUT');
      }
      const wordsOf = async (imageBase64: string) => admin.setAvatar.mutate({ slug: 'pictured', imageBase64 }).then(() => 'accepted', (e: Error) => e.message);
      assert.match(await wordsOf(text), /not a PNG, JPEG, WebP or GIF/);
      assert.equal(await trpcErrorCode(admin.setAvatar.mutate({ slug: 'theirs', imageBase64: plainPng().toString('base64') })), 'NOT_FOUND');
      assert.equal((await h.admin().admin.characters.list.query()).find((c) => c.slug === 'pictured')?.avatarUrl, null, 'unchanged');
    });
  });

  describe('preview drafts', () => {
    const draft = { name: 'Draft <img src=x onerror=alert(1)>', greeting: 'Hello from the draft.', persona: 'A friendly bartender.', characterBook: BOOK };

    it('stores the same draft once, at a slug of its digest, hidden from the list and the card export', async () => {
      const admin = h.admin().admin.characters;
      const first = await admin.preview.mutate({ draft });
      assert.match(first.slug, /^draft-[0-9a-f]{16}$/);
      assert.deepEqual(await admin.preview.mutate({ draft }), first, 'the same draft, the same character');
      const changed = await admin.preview.mutate({ draft: { ...draft, greeting: 'Another greeting.' } });
      assert.notEqual(changed.slug, first.slug);
      const listed = await admin.list.query();
      assert.equal(listed.some((c) => c.slug.startsWith('draft-')), false, 'never listed');
      assert.equal(await trpcErrorCode(admin.export.query({ slug: first.slug })), 'NOT_FOUND', 'never exported');
      assert.equal(await trpcErrorCode(admin.update.mutate({ slug: first.slug, name: 'Taken' })), 'NOT_FOUND');
      assert.equal(await trpcErrorCode(admin.delete.mutate({ slug: first.slug })), 'NOT_FOUND');
      assert.equal(await trpcErrorCode(admin.setAvatar.mutate({ slug: first.slug, imageBase64: plainPng().toString('base64') })), 'NOT_FOUND');
    });

    it('talks through the site’s publishable key, answering from its lorebook; another site’s key cannot reach it', async () => {
      const { slug } = await h.admin().admin.characters.preview.mutate({ draft });
      const session = await h.session(slug);
      assert.equal(session.character.name, draft.name, 'as text, whatever it holds');
      const socket = await h.socket(session.visitorToken);
      const replied = new Promise<string>((resolve, reject) => {
        setTimeout(() => reject(new Error('no reply within 5 s')), 5000).unref();
        socket.on('receive_message', (m) => m.sender_type === 'character' && !m.status && resolve(m.content));
      });
      await socket.emitWithAck('send_message', { conversationId: session.conversationId, content: 'What is the secret recipe?' });
      assert.match(await replied, /Three drops of bitters/);
      socket.disconnect();
      // The owner's preview chats are not the site's conversations.
      const listed = await h.admin().admin.conversations.list.query({ limit: 100 });
      assert.equal(listed.conversations.some((c) => c.id === session.conversationId), false);
      const theirs = h.api({ origin: 'http://other.example' }).session.start.mutate({ siteKey: other.siteKey, character: slug });
      assert.equal(await trpcErrorCode(theirs), 'NOT_FOUND');
      // A widget that names no character never lands on a draft.
      const plain = await h.session();
      assert.equal(plain.character.slug.startsWith('draft-'), false);
    });

    it('uses a saved character’s stored key for its hint, and holds the endpoint to the operator’s rules', async () => {
      const saved = await h.admin().admin.characters.list.query().then((all) => all.find((c) => c.slug === 'keyed')!);
      const { slug } = await h.admin().admin.characters.preview.mutate({ draft: { name: 'Keyed', responder: saved.responder! }, slug: 'keyed' });
      const row = await h.app.db.selectFrom('characters').select('responder').where('slug', '=', slug).executeTakeFirstOrThrow();
      assert.match(row.responder ?? '', /sk-right-key-0001/, 'the stored key, not its hint');
      const privateDraft = { name: 'P', responder: { kind: 'openai', baseUrl: 'http://169.254.169.254/v1', model: 'm' } } as const;
      assert.equal(await trpcErrorCode(h.admin().admin.characters.preview.mutate({ draft: privateDraft })), 'INVALID_INPUT');
      assert.equal(await trpcErrorCode(h.admin().admin.characters.preview.mutate({ draft, slug: 'theirs' })), 'NOT_FOUND');
    });

    it('refuses bad drafts, and sweeps drafts a day old', async () => {
      const admin = h.admin().admin.characters;
      for (const bad of [{ name: '' }, { name: 'A', accent: 'red; background: url(x)' }, { name: 'A', characterBook: { entries: 'no' } }, { name: 'A', greeting: 'x'.repeat(1001) }]) {
        assert.equal(await trpcErrorCode(admin.preview.mutate({ draft: bad as never })), 'INVALID_INPUT', JSON.stringify(bad).slice(0, 60));
      }
      const old = await admin.preview.mutate({ draft: { name: 'Old draft' } });
      await h.app.db.updateTable('characters').set({ created_at: new Date(Date.now() - 25 * 3600_000).toISOString() }).where('slug', '=', old.slug).execute();
      await admin.preview.mutate({ draft: { name: 'Newer draft' } });
      const left = await h.app.db.selectFrom('characters').select('slug').where('slug', '=', old.slug).executeTakeFirst();
      assert.equal(left, undefined, 'swept');
    });
  });
});
