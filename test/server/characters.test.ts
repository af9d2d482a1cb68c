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
    const exported = await h.admin().admin.characters.export.query({ slug: 'sera-png', format: 'png' });
    assert.ok('pngBase64' in exported);
    const again = parseCard(Buffer.from(exported.pngBase64, 'base64'));
    assert.equal(again.spec, 'chara_card_v2');
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

  it('keeps a model’s API key to itself once set', async () => {
    const created = await h.admin().admin.characters.create.mutate({
      slug: 'keyed',
      name: 'Keyed',
      responder: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-secret-value-1234' },
    });
    assert.deepEqual(created.responder, { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: '…1234' });
  });
});
