import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

describe('session.start', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('gives a new visitor a token, a conversation and the site’s first character', async () => {
    const session = await h.api().session.start.mutate({ siteKey: h.siteKey });
    assert.match(session.visitorToken, /^ey/);
    assert.match(session.conversationId, /^[0-9A-Z]{26}$/);
    assert.deepEqual(session.character, { slug: 'barkeep', name: 'Barkeep' });
  });

  it('opens a new conversation with the character’s greeting, once', async () => {
    const session = await h.session('host');
    assert.equal(session.character.greeting, 'Welcome! What will it be?');
    const again = await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'host', visitorToken: session.visitorToken });
    const { messages } = await h.api({ token: again.visitorToken }).conversation.history.query({ conversationId: session.conversationId });
    assert.deepEqual(messages.map((m) => [m.seq, m.sender_type, m.content]), [[1, 'character', 'Welcome! What will it be?']]);
  });

  it('keeps a returning visitor in the same conversation, one per character', async () => {
    const first = await h.session('barkeep');
    const again = await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'barkeep', visitorToken: first.visitorToken });
    assert.equal(again.conversationId, first.conversationId);
    const other = await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'guide', visitorToken: first.visitorToken });
    assert.notEqual(other.conversationId, first.conversationId);
    assert.equal(other.character.slug, 'guide');
  });

  it('makes exactly one conversation when one visitor starts 50 sessions at once', async () => {
    const { visitorToken } = await h.session('guide');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => h.api().session.start.mutate({ siteKey: h.siteKey, character: 'guide', visitorToken })),
    );
    assert.equal(new Set(results.map((r) => r.conversationId)).size, 1);
  });

  it('treats a token it did not sign as a new visitor', async () => {
    const session = await h.api().session.start.mutate({ siteKey: h.siteKey, visitorToken: 'not-a-token' });
    assert.match(session.visitorToken, /^ey/);
  });

  it('refuses an unknown site key or character with typed errors', async () => {
    assert.equal(await trpcErrorCode(h.api().session.start.mutate({ siteKey: 'pk_nope' })), 'UNAUTHORIZED');
    assert.equal(
      await trpcErrorCode(h.api().session.start.mutate({ siteKey: h.siteKey, character: 'nobody' })),
      'NOT_FOUND',
    );
  });

  it('refuses malformed input with INVALID_INPUT', async () => {
    const start = h.api().session.start.mutate as (input: unknown) => Promise<unknown>;
    for (const input of [undefined, {}, { siteKey: 42 }, { siteKey: '' }, { siteKey: 'x'.repeat(500) }, 'pk']) {
      assert.equal(await trpcErrorCode(start(input)), 'INVALID_INPUT', JSON.stringify(input));
    }
  });

  it('answers plain JSON over HTTP, with no transformer', async () => {
    const res = await fetch(`${h.url}/trpc/session.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://shop.example' },
      body: JSON.stringify({ siteKey: h.siteKey }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { result: { data: { conversationId: string } } };
    assert.equal(typeof body.result.data.conversationId, 'string');
  });
});
