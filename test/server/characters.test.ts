import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { embedCardInPng, parseCard, plainPng, type CharacterCardV2 } from '../../server/characters/cards.js';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

const CARD: CharacterCardV2 = {
  spec: 'chara_card_v2',
  spec_version: '2.0',
  data: {
    name: 'Seraphina',
    description: '{{char}} is a gentle forest guardian.',
    personality: 'kind, protective',
    scenario: 'You wake up in her glade.',
    first_mes: 'Oh! You are awake. How do you feel?',
    mes_example: '{{user}}: Who are you?\n{{char}}: I guard this forest.',
    creator_notes: 'A community card.',
    system_prompt: '',
    tags: ['fantasy'],
    creator: 'someone',
    character_version: '1',
    extensions: {},
  },
};

describe('characters', () => {
  let h: Harness;
  // A model address on this machine, allowed for the test that stores one.
  before(async () => (h = await startHarness({ config: { responderEndpoints: { privateHosts: ['127.0.0.1:9'], siteResponders: 'any', listedHosts: [] } } })));
  after(() => h.close());

  it('imports a Character Card V2 as it is, and opens conversations with its first message', async () => {
    const created = await h.admin().admin.characters.import.mutate({ card: CARD });
    assert.equal(created.slug, 'seraphina');
    assert.equal(created.greeting, 'Oh! You are awake. How do you feel?');
    assert.match(created.persona, /Seraphina is a gentle forest guardian\./);
    assert.match(created.persona, /Personality: kind, protective/);
    assert.equal(created.examples, CARD.data.mes_example);
    const session = await h.session('seraphina');
    const { messages } = await h.api({ token: session.visitorToken }).conversation.history.query({ conversationId: session.conversationId });
    assert.deepEqual(messages.map((m) => m.content), ['Oh! You are awake. How do you feel?']);
  });

  it('reads and writes the card inside a PNG (its chara text chunk), and exports what it imported', async () => {
    const png = embedCardInPng(plainPng('#336699'), CARD);
    assert.deepEqual(parseCard(png), CARD);
    const imported = await h.admin().admin.characters.import.mutate({ pngBase64: png.toString('base64'), slug: 'sera-png' });
    assert.equal(imported.name, 'Seraphina');
    const exported = await h.admin().admin.characters.export.query({ slug: 'sera-png', format: 'png', spec: 'v3' });
    assert.ok('pngBase64' in exported);
    const again = parseCard(Buffer.from(exported.pngBase64, 'base64'));
    assert.equal(again.spec, 'chara_card_v3', 'exported as V3 (with a V2 copy beside it)');
    assert.equal(again.data.name, 'Seraphina');
    assert.equal(again.data.first_mes, CARD.data.first_mes);
    assert.equal(again.data.mes_example, CARD.data.mes_example);
  });

  it('refuses what is not a card, with a clear error', async () => {
    const admin = h.admin();
    assert.equal(await trpcErrorCode(admin.admin.characters.import.mutate({ card: { spec: 'something_else' } })), 'INVALID_INPUT');
    assert.equal(await trpcErrorCode(admin.admin.characters.import.mutate({ pngBase64: plainPng().toString('base64') })), 'INVALID_INPUT');
    assert.equal(await trpcErrorCode(admin.admin.characters.import.mutate({ pngBase64: 'bm90IGEgcG5n' })), 'INVALID_INPUT');
  });

  it('lets a page define a character only where the site allows it, and stores each definition as a character of its own', async () => {
    const start = (characterDefinition: { name: string; greeting?: string; persona?: string }, character?: string) =>
      h.api().session.start.mutate({ siteKey: h.siteKey, characterDefinition, character });
    assert.equal(await trpcErrorCode(start({ name: 'Pip' })), 'NOT_ALLOWED');

    await h.admin().admin.site.update.mutate({ allowPageCharacters: true });
    const first = await start({ name: 'Pip the Parrot', greeting: 'Squawk!', persona: 'A parrot.' });
    assert.match(first.character.slug, /^page-pip-the-parrot-[0-9a-f]{16}$/);
    assert.deepEqual(first.character, { slug: first.character.slug, name: 'Pip the Parrot', greeting: 'Squawk!' });
    const changed = await start({ name: 'Pip the Parrot', greeting: 'SQUAWK!', persona: 'A loud parrot.' });
    assert.equal(changed.character.greeting, 'SQUAWK!');
    assert.notEqual(changed.character.slug, first.character.slug);
    const listed = await h.admin().admin.characters.list.query();
    assert.equal(listed.find((c) => c.slug === changed.character.slug)?.persona, 'A loud parrot.');
    assert.equal(listed.find((c) => c.slug === first.character.slug)?.persona, 'A parrot.', 'the first definition is unchanged');
    assert.equal(listed.find((c) => c.slug === first.character.slug)?.origin, 'page');

    assert.equal(await trpcErrorCode(start({ name: 'Impostor' }, 'barkeep')), 'NOT_ALLOWED', 'a page cannot redefine a site character');
    const named = await start({ name: 'Mo' }, 'mo');
    assert.match(named.character.slug, /^mo-[0-9a-f]{16}$/);
  });

  it('sets and clears alternate greetings, a lorebook and a nickname, and refuses them out of bounds', async () => {
    const admin = h.admin();
    const characterBook = { name: 'Lore', entries: [{ keys: ['glade'], content: 'The glade is safe.' }] };
    const created = await admin.admin.characters.create.mutate({ slug: 'lorekeeper', name: 'Lorekeeper', alternateGreetings: ['Hail.', '  Well met.  '], characterBook });
    assert.deepEqual(created.alternateGreetings, ['Hail.', 'Well met.']);
    assert.equal(created.characterBook?.entries[0]?.content, 'The glade is safe.');
    assert.equal(created.characterBook?.entries[0]?.enabled, true, 'read with the defaults of the schema');
    assert.equal(created.nickname, null);

    const updated = await admin.admin.characters.update.mutate({ slug: 'lorekeeper', alternateGreetings: ['Only this.'], nickname: 'Keeper' });
    assert.deepEqual(updated.alternateGreetings, ['Only this.']);
    assert.equal(updated.characterBook?.name, 'Lore', 'untouched when not given');
    assert.equal(updated.nickname, 'Keeper');
    const card = (await admin.admin.characters.export.query({ slug: 'lorekeeper', spec: 'v3' })).card;
    assert.equal(card.data.nickname, 'Keeper');
    assert.deepEqual((card.data.extensions as { tipsy: unknown }).tipsy, { slug: 'lorekeeper' }, 'still a card of our own');

    const cleared = await admin.admin.characters.update.mutate({ slug: 'lorekeeper', characterBook: null, alternateGreetings: [], nickname: null });
    assert.equal(cleared.characterBook, null);
    assert.deepEqual(cleared.alternateGreetings, []);
    assert.equal(cleared.nickname, null);

    const tooMany = Array.from({ length: 51 }, (_, i) => `Hello ${i}`);
    assert.equal(await trpcErrorCode(admin.admin.characters.update.mutate({ slug: 'lorekeeper', alternateGreetings: tooMany })), 'INVALID_INPUT');
    const deep = JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) as Record<string, unknown>;
    assert.equal(await trpcErrorCode(admin.admin.characters.update.mutate({ slug: 'lorekeeper', characterBook: { entries: [], extensions: deep } })), 'INVALID_INPUT');
    assert.equal(
      await trpcErrorCode(admin.admin.characters.update.mutate({ slug: 'lorekeeper', characterBook: { entries: [{ keys: ['a'], content: 'x'.repeat(8001) }] } })),
      'INVALID_INPUT',
    );
    assert.equal((await admin.admin.characters.list.query()).find((c) => c.slug === 'lorekeeper')?.characterBook, null, 'a refused change changes nothing');
  });

  it('keeps a model’s API key to itself once set', async () => {
    const created = await h.admin().admin.characters.create.mutate({
      slug: 'keyed',
      name: 'Keyed',
      responder: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-secret-value-1234' },
    });
    assert.deepEqual(created.responder, { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: '…1234' });
  });
});
