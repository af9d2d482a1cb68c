/**
 * Strings that are not well-formed Unicode (lone surrogates) are refused
 * wherever they could be stored or hashed: UTF-8 turns every lone surrogate
 * into U+FFFD, so "ann\uD800", "ann\uDFFF" and "ann\uFFFD" would otherwise
 * share one user-hash and one stored value.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userHash } from '../../server/auth/identity.js';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

const REPLACED = 'ann\uFFFD';
const LONE_SURROGATE_IDS = ['ann\uD800', 'ann\uDFFF', 'ann\uDBFF'];

describe('well-formed Unicode', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.admin().admin.site.update.mutate({ allowPageCharacters: true });
  });
  after(() => h.close());

  const start = (id: string, hash = userHash(h.site.identitySecret, REPLACED)) =>
    h.api().session.start.mutate({ siteKey: h.siteKey, character: 'barkeep', user: { id, hash } });

  it('refuses user ids with lone surrogates, even with the hash that verifies their U+FFFD form', async () => {
    for (const id of LONE_SURROGATE_IDS) {
      // The hash the server would compute for this id is the U+FFFD form's: only the input rule stops it.
      assert.equal(userHash(h.site.identitySecret, id), userHash(h.site.identitySecret, REPLACED));
      assert.equal(await trpcErrorCode(start(id)), 'INVALID_INPUT', JSON.stringify(id));
    }
    const visitors = await h.app.db.selectFrom('visitors').select('id').where('external_user_id', 'is not', null).execute();
    assert.equal(visitors.length, 0, 'no visitor was made');

    const ann = await start(REPLACED);
    assert.ok(ann.conversationId, 'the well-formed U+FFFD id itself still works');
    const stored = await h.app.db.selectFrom('visitors').select('external_user_id').where('external_user_id', 'is not', null).execute();
    assert.deepEqual(stored.map((v) => v.external_user_id), [REPLACED]);
  });

  it('refuses a lone-surrogate user id on erasure and listing, so it cannot reach the U+FFFD user', async () => {
    const ann = await start(REPLACED);
    const admin = h.admin().admin.conversations;
    for (const userId of LONE_SURROGATE_IDS) {
      assert.equal(await trpcErrorCode(admin.deleteVisitor.mutate({ userId })), 'INVALID_INPUT');
      assert.equal(await trpcErrorCode(admin.list.query({ userId })), 'INVALID_INPUT');
    }
    const { conversations } = await admin.list.query({ userId: REPLACED });
    assert.deepEqual(conversations.map((c) => c.id), [ann.conversationId], 'the U+FFFD user’s data is untouched');
  });

  it('refuses a message with a lone surrogate over the socket and over tRPC, and stores nothing', async () => {
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const bad = [
      { conversationId, content: 'hello \uD83D' },
      { conversationId, content: '\uDE0A there' },
      { conversationId, content: 'fine', clientMessageId: 'id-\uD800' },
      { conversationId: `${conversationId}\uD800`, content: 'fine' },
    ];
    for (const payload of bad) {
      const ack = await socket.timeout(2000).emitWithAck('send_message', payload);
      assert.equal(!ack.ok && ack.error.code, 'INVALID_INPUT', JSON.stringify(payload));
      assert.match(!ack.ok ? ack.error.message : '', /well-formed Unicode/);
      assert.equal(await trpcErrorCode(h.api({ token: visitorToken }).message.send.mutate(payload)), 'INVALID_INPUT');
    }
    const join = await socket.timeout(2000).emitWithAck('join_conversation', `${conversationId}\uDC00`);
    assert.equal(!join.ok && join.error.code, 'INVALID_INPUT');
    const rows = await h.app.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute();
    assert.equal(rows.length, 0);

    // Well-formed text outside the Basic Multilingual Plane is ordinary text.
    const ok = await socket.timeout(2000).emitWithAck('send_message', { conversationId, content: 'a fox 🦊, a U+FFFD \uFFFD' });
    assert.ok(ok.ok && ok.message.content === 'a fox 🦊, a U+FFFD \uFFFD');
  });

  it('refuses lone surrogates in session, page-character, character, card and site inputs', async () => {
    const admin = h.admin().admin;
    const session = (input: Record<string, unknown>) => h.api().session.start.mutate({ siteKey: h.siteKey, ...input } as never);
    const card = (data: Record<string, unknown>) => ({ spec: 'chara_card_v2', data: { name: 'Card', ...data } });
    const importCard = (slug: string, data: Record<string, unknown>) => admin.characters.import.mutate({ slug, card: card(data) });
    const calls: [string, () => Promise<unknown>][] = [
      ['siteKey', () => session({ siteKey: `${h.siteKey}\uD800` })],
      ['character', () => session({ character: 'barkeep\uD800' })],
      ['visitorToken', () => session({ visitorToken: 'token\uD800' })],
      ['user.name', () => session({ user: { id: 'bob', hash: userHash(h.site.identitySecret, 'bob'), name: 'Bob \uD800' } })],
      ['page name', () => session({ characterDefinition: { name: 'Pirate \uD800' } })],
      ['page greeting', () => session({ characterDefinition: { name: 'Pirate', greeting: 'Ahoy \uDC00' } })],
      ['page persona', () => session({ characterDefinition: { name: 'Pirate', persona: 'Salty \uD800' } })],
      ['page avatar', () => session({ characterDefinition: { name: 'Pirate', avatarUrl: 'https://x.example/\uD800.png' } })],
      ['character name', () => admin.characters.create.mutate({ slug: 'c1', name: 'Name \uD800' })],
      ['character persona', () => admin.characters.create.mutate({ slug: 'c2', name: 'Name', persona: 'x\uDFFF' })],
      ['character examples', () => admin.characters.update.mutate({ slug: 'barkeep', examples: 'x\uDFFF' })],
      ['card name', () => importCard('card-1', { name: 'Card \uD800' })],
      ['card description', () => importCard('card-2', { description: 'x\uD800' })],
      ['card tag', () => importCard('card-3', { tags: ['\uD800'] })],
      ['site name', () => admin.site.update.mutate({ name: 'Shop \uD800' })],
      ['site origin', () => admin.site.update.mutate({ origins: ['https://shop.example/\uD800'] })],
      ['key id', () => admin.keys.revoke.mutate({ keyId: 'key\uD800' })],
    ];
    const accepted = [];
    for (const [what, call] of calls) if ((await trpcErrorCode(call())) !== 'INVALID_INPUT') accepted.push(what);
    assert.deepEqual(accepted, [], 'each is refused with INVALID_INPUT');
    const site = await admin.site.get.query();
    assert.equal(site.name, 'Test shop');
    const slugs = (await admin.characters.list.query()).map((c) => c.slug);
    assert.deepEqual(slugs.filter((s) => !['barkeep', 'guide', 'host'].includes(s)), [], 'no character was made');
  });

  it('drops bidirectional overrides from names, and refuses a model API key or name holding control characters', async () => {
    const started = await h.api().session.start.mutate({ siteKey: h.siteKey, characterDefinition: { name: 'Pip\u202Eliar\u2066' } });
    assert.equal(started.character.name, 'Pipliar');
    // A public address given as such: saved without a DNS lookup, so only the key or name decides.
    const responder = { kind: 'openai' as const, baseUrl: 'https://93.184.215.14/v1', model: 'm' };
    for (const bad of [{ apiKey: 'sk-one\nsk-two' }, { apiKey: 'sk one' }, { apiKey: 'sk-\u0000' }]) {
      assert.equal(await trpcErrorCode(h.admin().admin.site.update.mutate({ responder: { ...responder, ...bad } })), 'INVALID_INPUT', JSON.stringify(bad));
    }
    const saved = await h.admin().admin.site.update.mutate({ responder: { ...responder, model: 'gpt\u0000-mini\u001b[2J', apiKey: 'sk-good-key-1234' } });
    assert.deepEqual(saved.responder, { ...responder, model: 'gpt-mini[2J', apiKey: '…1234' });
    await h.admin().admin.site.update.mutate({ responder: null });
  });

  it('imports a card whose long text is cut inside an emoji without leaving half of it', async () => {
    const description = `${'x'.repeat(7999)}🦊 and more`;
    const created = await h.admin().admin.characters.import.mutate({ card: { spec: 'chara_card_v2', data: { name: 'Long Fox', description } } });
    const character = (await h.admin().admin.characters.list.query()).find((c) => c.slug === created.slug);
    assert.equal(character?.persona, 'x'.repeat(7999));
  });
});
