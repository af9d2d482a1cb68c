/**
 * Character Card V3 (and V2) in and out: a SillyTavern-style PNG card comes back
 * from an export with its data as it came (extensions, lorebook and alternate
 * greetings included, compared as JSON text); the fields our edits own follow
 * the edits; the card's icon becomes an avatar the chat server serves; and bad
 * cards are refused with INVALID_INPUT, changing nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TRPCClientError } from '@trpc/client';
import { importCharacterCard, parseCard } from '../../server/characters/cards.js';
import { TipsyError } from '../../server/errors.js';
import { cardOfChunk, image, pngChunk, sillyTavernPng, stCardJson, textChunk, textChunks, withSpec, zip } from './card-fixtures.js';
import { runTipsy } from './cli-runner.js';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

const ICON = image([10, 120, 200], 8);
const CARD_JSON = stCardJson(ICON);
const ORIGINAL = JSON.parse(CARD_JSON) as { data: Record<string, unknown> & { extensions: unknown; character_book: unknown } };
const json = (value: unknown) => JSON.stringify(value);

type ExportedCard = { spec: string; spec_version?: string; data: Record<string, unknown> };

/** The same data, less the given fields. */
const without = (data: Record<string, unknown>, fields: string[]) => Object.fromEntries(Object.entries(data).filter(([key]) => !fields.includes(key)));

describe('Character Card V3', () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    h = await startHarness();
    dir = mkdtempSync(join(tmpdir(), 'tipsy-cards-'));
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const exportJson = async (slug: string) => (await h.admin().admin.characters.export.query({ slug, spec: 'v3' })).card as unknown as ExportedCard;
  const slugs = async () => (await h.admin().admin.characters.list.query()).map((c) => c.slug).sort();
  const avatarRows = async () => Number((await h.app.db.selectFrom('character_avatars').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('imports a SillyTavern PNG (chara and ccv3 chunks) with its lorebook, alternate greetings, nickname and icon', async () => {
    const png = sillyTavernPng(CARD_JSON);
    assert.equal(parseCard(png).spec, 'chara_card_v3', 'the ccv3 chunk wins over chara');
    const created = await h.admin().admin.characters.import.mutate({ pngBase64: png.toString('base64') });
    assert.equal(created.slug, 'seraphina');
    assert.equal(created.name, 'Seraphina');
    assert.equal(created.nickname, 'Sera');
    assert.equal(created.greeting, "*Seraphina smiles.* Oh! You're awake, {{user}}.");
    assert.match(created.persona, /^Sera is a gentle guardian of the forest\./, '{{char}} is the nickname');
    assert.match(created.persona, /Personality: kind, protective/);
    assert.equal(created.alternateGreetings.length, 2);
    assert.equal(created.alternateGreetings[0], '*A bird lands on her shoulder.* Good morning.', 'trimmed');
    assert.equal(created.alternateGreetings[1]!.length, 1000, 'clipped to what a greeting may hold');
    assert.equal(created.characterBook?.entries.length, 2);
    assert.equal(created.characterBook?.entries[1]?.use_regex, true);
    assert.match(created.avatarUrl ?? '', new RegExp(`^/avatars/${h.siteId}/[0-9a-f]{64}\\.png$`));
  });

  it('serves the icon as the avatar: its bytes, an image type, nosniff, cached for good', async () => {
    const [character] = (await h.admin().admin.characters.list.query()).filter((c) => c.slug === 'seraphina');
    const response = await fetch(`${h.url}${character!.avatarUrl}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), ICON);

    for (const path of [`/avatars/${h.siteId}/${'0'.repeat(64)}.png`, `/avatars/${h.siteId}/x.svg`, `/avatars/other/${character!.avatarUrl!.split('/').pop()}`]) {
      assert.equal((await fetch(`${h.url}${path}`)).status, 404, path);
    }
  });

  it('exports the card as it came: the whole data as JSON text, extensions, lorebook and greetings included', async () => {
    const card = await exportJson('seraphina');
    assert.equal(card.spec, 'chara_card_v3');
    assert.equal(card.spec_version, '3.0');
    assert.equal(json(card.data.extensions), json(ORIGINAL.data.extensions));
    assert.equal(json(card.data.character_book), json(ORIGINAL.data.character_book));
    assert.equal(json(card.data.alternate_greetings), json(ORIGINAL.data.alternate_greetings));
    assert.equal(json(card.data), json(ORIGINAL.data), 'nothing edited: the data comes back as it came');
    const top = without(card as unknown as Record<string, unknown>, ['spec', 'spec_version', 'data']);
    assert.equal(json(top), json(without(ORIGINAL, ['spec', 'spec_version', 'data'])), 'the V1 fields at the top level too');
  });

  it('exports a PNG with ccv3 and, beside it, the same data as chara (V2), in the avatar image', async () => {
    const exported = await h.admin().admin.characters.export.query({ slug: 'seraphina', format: 'png', spec: 'v3' });
    assert.ok('pngBase64' in exported);
    const png = Buffer.from(exported.pngBase64, 'base64');
    const [v3, v2] = [cardOfChunk(png, 'ccv3') as ExportedCard, cardOfChunk(png, 'chara') as ExportedCard];
    assert.equal(v3.spec, 'chara_card_v3');
    assert.equal(v2.spec, 'chara_card_v2');
    assert.equal(v2.spec_version, '2.0');
    assert.equal(json(v3.data), json(ORIGINAL.data));
    assert.equal(json(v2.data), json(ORIGINAL.data));
    assert.deepEqual([...textChunks(png).keys()], ['chara', 'ccv3']);
    const again = await h.admin().admin.characters.import.mutate({ pngBase64: exported.pngBase64, slug: 'seraphina-again' });
    assert.equal(json((await exportJson('seraphina-again')).data), json(ORIGINAL.data), 'and imports again to the same card');
    assert.equal(again.avatarUrl, (await h.admin().admin.characters.list.query()).find((c) => c.slug === 'seraphina')?.avatarUrl);
  });

  it('exports the fields edited since the import from our columns, and every other field as it came', async () => {
    const book = { entries: [{ keys: ['moon'], content: 'The moon is full.' }] };
    await h.admin().admin.characters.update.mutate({
      slug: 'seraphina',
      greeting: 'Welcome back.',
      persona: 'A forest guardian, rewritten.',
      alternateGreetings: ['Hello again.'],
      characterBook: book,
      accent: '#2f855a',
      nickname: 'Phina',
    });
    const card = await exportJson('seraphina');
    assert.equal(card.data.first_mes, 'Welcome back.');
    assert.equal(card.data.description, 'A forest guardian, rewritten.');
    assert.deepEqual([card.data.personality, card.data.scenario, card.data.system_prompt], ['', '', ''], 'the persona was made of all four');
    assert.deepEqual(card.data.alternate_greetings, ['Hello again.']);
    assert.deepEqual((card.data.character_book as { entries: { content: string }[] }).entries.map((e) => e.content), ['The moon is full.']);
    assert.equal(card.data.nickname, 'Phina');
    const extensions = card.data.extensions as Record<string, unknown>;
    assert.deepEqual(extensions.tipsy, { accent: '#2f855a' });
    assert.equal(json(without(extensions, ['tipsy'])), json(ORIGINAL.data.extensions), 'the rest of extensions untouched');
    const ours = ['first_mes', 'description', 'personality', 'scenario', 'system_prompt', 'alternate_greetings', 'character_book', 'extensions', 'nickname'];
    assert.equal(json(without(card.data, ours)), json(without(ORIGINAL.data, ours)));
    assert.equal(Object.keys(card.data).join(), Object.keys(ORIGINAL.data).join(), 'in the same order');

    await h.admin().admin.characters.update.mutate({ slug: 'seraphina', characterBook: null, alternateGreetings: [], nickname: null });
    const cleared = await exportJson('seraphina');
    assert.equal('character_book' in cleared.data, false);
    assert.deepEqual(cleared.data.alternate_greetings, []);
    assert.equal('nickname' in cleared.data, false);
  });

  it('drops the stored avatar once the character’s avatar is changed', async () => {
    await h.admin().admin.characters.import.mutate({ pngBase64: sillyTavernPng(CARD_JSON).toString('base64'), slug: 'sera-avatar' });
    const [mine] = (await h.admin().admin.characters.list.query()).filter((c) => c.slug === 'sera-avatar');
    await h.admin().admin.characters.update.mutate({ slug: 'sera-avatar', avatarUrl: 'https://cdn.example.org/sera.webp' });
    const card = await exportJson('sera-avatar');
    const assets = card.data.assets as { type: string; uri: string; name: string }[];
    assert.deepEqual(assets[0], { type: 'icon', uri: 'https://cdn.example.org/sera.webp', name: 'main', ext: 'webp' });
    assert.deepEqual(assets.slice(1), [{ type: 'background', uri: 'https://example.org/glade.png', name: 'glade', ext: 'png' }]);
    // Another character still shows the same image: it is served for that one.
    assert.equal((await fetch(`${h.url}${mine!.avatarUrl}`)).status, 200);
    const rows = await h.app.db.selectFrom('character_avatars').innerJoin('characters', 'characters.id', 'character_avatars.character_id').select('characters.slug').execute();
    assert.equal(rows.some((r) => r.slug === 'sera-avatar'), false);
  });

  it('takes a PNG card’s own image as its avatar, and keeps a remote icon unfetched', async () => {
    const v2 = withSpec(CARD_JSON, 'chara_card_v2', '2.0').replace(/"assets":\[.*\]\}\}$/, '"assets":[{"type":"icon","uri":"https://example.org/sera.png","name":"main","ext":"png"}]}}');
    const viaJson = await h.admin().admin.characters.import.mutate({ card: JSON.parse(v2), slug: 'remote-icon' });
    assert.equal(viaJson.avatarUrl, null, 'a remote icon is never fetched');
    assert.equal(((await exportJson('remote-icon')).data.assets as { uri: string }[])[0]?.uri, 'https://example.org/sera.png');

    const remoteInPng = await importCharacterCard(h.app.db, h.siteId, { bytes: image([4, 5, 6], 8, [textChunk('chara', Buffer.from(v2).toString('base64'))]) }, 'remote-png');
    assert.deepEqual(Buffer.from(await (await fetch(`${h.url}${remoteInPng.avatarUrl}`)).arrayBuffer()), image([4, 5, 6], 8), 'a PNG card is its own picture');
    const withBom = await importCharacterCard(h.app.db, h.siteId, { bytes: Buffer.from(`\uFEFF${v2}`) }, 'bom');
    assert.equal(withBom.name, 'Seraphina', 'JSON text with a byte order mark');

    const plainV2 = JSON.stringify({ spec: 'chara_card_v2', spec_version: '2.0', data: { name: 'Pip', first_mes: 'Squawk.' } });
    const png = image([1, 2, 3], 8, [textChunk('chara', Buffer.from(plainV2).toString('base64'))]);
    const pip = await h.admin().admin.characters.import.mutate({ pngBase64: png.toString('base64') });
    const served = Buffer.from(await (await fetch(`${h.url}${pip.avatarUrl}`)).arrayBuffer());
    assert.deepEqual(served, image([1, 2, 3], 8), 'the image, without its card');
    const exported = await exportJson('pip');
    assert.equal(exported.spec, 'chara_card_v3');
    assert.equal(exported.data.name, 'Pip');
  });

  it('imports a CHARX: card.json and its embedded icon', async () => {
    const card = CARD_JSON.replace(/"uri":"data:image\/png;base64,[^"]*"/, '"uri":"embeded://assets/icon/images/main.png"');
    const charx = zip([
      { name: 'card.json', data: Buffer.from(card) },
      { name: 'assets/icon/images/main.png', data: ICON, stored: true },
    ]);
    const created = await h.admin().admin.characters.import.mutate({ charxBase64: charx.toString('base64'), slug: 'sera-charx' });
    assert.deepEqual(Buffer.from(await (await fetch(`${h.url}${created.avatarUrl}`)).arrayBuffer()), ICON);
    assert.equal(json((await exportJson('sera-charx')).data.extensions), json(ORIGINAL.data.extensions));
  });

  describe('refuses bad cards with INVALID_INPUT, changing nothing', () => {
    const v3 = (data: Record<string, unknown>) => ({ card: { spec: 'chara_card_v3', data: { name: 'Bad', ...data } } });
    const icon = (uri: string) => v3({ assets: [{ type: 'icon', uri, name: 'main', ext: 'png' }] });
    const embeddedIcon = Buffer.from(CARD_JSON.replace(/"uri":"data:image\/png;base64,[^"]*"/, '"uri":"embeded://main.png"'));
    const refusals: [string, () => Buffer | { card: unknown }, RegExp][] = [
      ['a wrong spec', () => ({ card: { ...ORIGINAL, spec: 'chara_card_v4' } }), /not a Character Card V2 or V3/],
      ['a V1 card (no spec)', () => ({ card: { name: 'Old', description: 'x' } }), /not a Character Card V2 or V3/],
      ['a card without a name', () => v3({ name: ' ' }), /data\.name/],
      ['a truncated PNG', () => sillyTavernPng(CARD_JSON).subarray(0, 900), /damaged: it is truncated/],
      ['a PNG cut after a whole chunk (no IEND)', () => image([1, 1, 1]).subarray(0, -12), /truncated \(it does not end with IEND\)/],
      [
        'a PNG with a bad CRC (in its pixels)',
        () => {
          const png = Buffer.from(sillyTavernPng(CARD_JSON));
          png[png.indexOf('IDAT') + 6]! ^= 1;
          return png;
        },
        /IDAT chunk fails its CRC check/,
      ],
      ['base64 garbage in the chunk', () => image([1, 1, 1], 8, [textChunk('chara', '!!not*base64~~')]), /"chara" chunk is not valid base64/],
      ['a chunk that is not UTF-8', () => image([1, 1, 1], 8, [textChunk('ccv3', Buffer.from([0xff, 0xfe, 0x7b]).toString('base64'))]), /not UTF-8/],
      ['a chunk that is not JSON', () => image([1, 1, 1], 8, [textChunk('ccv3', Buffer.from('{"spec":').toString('base64'))]), /not valid JSON/],
      ['a PNG without a card', () => image([1, 1, 1]), /holds no character card/],
      ['a lorebook entry over bounds', () => v3({ character_book: { entries: [{ keys: ['a'], content: 'x'.repeat(8001) }] } }), /character_book\.entries\.0\.content/],
      ['a lorebook with too many entries', () => v3({ character_book: { entries: Array.from({ length: 1001 }, () => ({ keys: [], content: '' })) } }), /character_book\.entries/],
      ['a lorebook nested too deep', () => v3({ character_book: { entries: [], extensions: JSON.parse(`${'{"a":'.repeat(80)}1${'}'.repeat(80)}`) } }), /nested more than 64/],
      ['an SVG icon', () => icon(`data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`), /PNG, JPEG, WebP or GIF/],
      ['an icon that is no image', () => icon(`data:image/png;base64,${Buffer.from('<svg onload=alert(1)/>').toString('base64')}`), /not a PNG, JPEG, WebP or GIF image/],
      ['an icon in base64 garbage', () => icon('data:image/png;base64,iVBOR***w0KGgo'), /icon is not valid base64/],
      ['an icon over 512 KB', () => icon(`data:image/png;base64,${Buffer.concat([ICON, Buffer.alloc(600 * 1024)]).toString('base64')}`), /larger than 512 KB/],
      ['a card.json zip bomb', () => zip([{ name: 'card.json', data: Buffer.alloc(9 * 1024 * 1024, 0x20), claimedSize: 100 }]), /"card\.json" in the CHARX file is larger than 8192 KB unpacked/],
      ['an icon zip bomb', () => zip([{ name: 'card.json', data: embeddedIcon }, { name: 'main.png', data: Buffer.concat([ICON, Buffer.alloc(5 * 1024 * 1024)]) }]), /"main\.png" in the CHARX file is larger than 512 KB/],
      ['a CHARX without card.json', () => zip([{ name: 'other.json', data: Buffer.from('{}') }]), /has no "card\.json"/],
      ['a CHARX missing its icon', () => zip([{ name: 'card.json', data: embeddedIcon }]), /has no "main\.png"/],
      ['a broken zip', () => zip([{ name: 'card.json', data: Buffer.from(CARD_JSON) }]).subarray(0, 200), /CHARX file is damaged/],
      ['a PNG over 16 MB', () => Buffer.concat([image([1, 1, 1]), Buffer.alloc(16 * 1024 * 1024)]), /larger than 16 MB/],
      ['a card chunk over 8 MB', () => image([1, 1, 1], 8, [pngChunk('tEXt', Buffer.concat([Buffer.from('ccv3\0'), Buffer.alloc(12 * 1024 * 1024, 0x41)]))]), /larger than 8 MB/],
    ];
    for (const [what, source, message] of refusals) {
      it(what, async () => {
        const [before, avatarsBefore] = [await slugs(), await avatarRows()];
        const given = source();
        const error = await importCharacterCard(h.app.db, h.siteId, Buffer.isBuffer(given) ? { bytes: given } : given).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof TipsyError, `refused: ${String(error)}`);
        assert.equal(error.code, 'INVALID_INPUT');
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /undefined|\[object/);
        assert.deepEqual(await slugs(), before);
        assert.equal(await avatarRows(), avatarsBefore);
      });
    }

    it('over the admin API too: base64 garbage, a bad card, a card whose slug is taken (its avatar not kept)', async () => {
      const admin = h.admin();
      const avatarsBefore = await avatarRows();
      assert.equal(await trpcErrorCode(admin.admin.characters.import.mutate({ pngBase64: '%%%not base64%%%' })), 'INVALID_INPUT');
      assert.equal(await trpcErrorCode(admin.admin.characters.import.mutate({ charxBase64: zip([]).toString('base64') })), 'INVALID_INPUT');
      const taken = admin.admin.characters.import.mutate({ pngBase64: sillyTavernPng(CARD_JSON).toString('base64'), slug: 'seraphina' });
      const error = await taken.catch((e: unknown) => e);
      assert.ok(error instanceof TRPCClientError);
      assert.match(error.message, /already has a character "seraphina"/);
      assert.equal(await avatarRows(), avatarsBefore);
    });
  });

  describe('from the CLI', () => {
    const tipsy = (...args: string[]) => runTipsy(h.database.env, args);

    it('imports V3 PNG and CHARX files, and exports V3 with V2 beside it', async () => {
      const png = join(dir, 'sera.png');
      writeFileSync(png, sillyTavernPng(CARD_JSON));
      const imported = await tipsy('character', 'import', h.siteId, '--file', png, '--slug', 'cli-sera', '--json');
      assert.equal(imported.code, 0, imported.stderr);
      assert.equal((JSON.parse(imported.stdout) as { nickname: string }).nickname, 'Sera');

      const out = join(dir, 'out.png');
      const exported = await tipsy('character', 'export', h.siteId, 'cli-sera', '--out', out);
      assert.equal(exported.code, 0, exported.stderr);
      assert.equal(json((cardOfChunk(readFileSync(out), 'ccv3') as ExportedCard).data), json(ORIGINAL.data));
      const v2 = join(dir, 'out-v2.json');
      assert.equal((await tipsy('character', 'export', h.siteId, 'cli-sera', '--out', v2, '--spec', 'v2')).code, 0);
      assert.equal((JSON.parse(readFileSync(v2, 'utf8')) as ExportedCard).spec, 'chara_card_v2');

      const charx = join(dir, 'sera.charx');
      writeFileSync(charx, zip([{ name: 'card.json', data: Buffer.from(CARD_JSON) }]));
      const fromCharx = await tipsy('character', 'import', h.siteId, '--file', charx, '--slug', 'cli-charx');
      assert.equal(fromCharx.code, 0, fromCharx.stderr);

      const bad = join(dir, 'bad.png');
      writeFileSync(bad, sillyTavernPng(CARD_JSON).subarray(0, 500));
      const refused = await tipsy('character', 'import', h.siteId, '--file', bad);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /damaged/);
    });

    it('sets and clears a lorebook and alternate greetings', async () => {
      const book = join(dir, 'book.json');
      writeFileSync(book, JSON.stringify({ name: 'Lore', entries: [{ keys: ['bar'], content: 'The bar never closes.' }] }));
      const set = await tipsy('character', 'lorebook', h.siteId, 'barkeep', '--file', book, '--json');
      assert.equal(set.code, 0, set.stderr);
      assert.equal((JSON.parse(set.stdout) as { characterBook: { name: string } }).characterBook.name, 'Lore');
      const greetings = join(dir, 'greetings.json');
      writeFileSync(greetings, JSON.stringify(['Evening!', 'What’ll it be?']));
      assert.equal((await tipsy('character', 'greetings', h.siteId, 'barkeep', '--file', greetings)).code, 0);
      let barkeep = (await h.admin().admin.characters.list.query()).find((c) => c.slug === 'barkeep');
      assert.deepEqual(barkeep?.alternateGreetings, ['Evening!', 'What’ll it be?']);
      assert.equal(barkeep?.characterBook?.entries[0]?.content, 'The bar never closes.');

      writeFileSync(book, JSON.stringify({ entries: [{ keys: ['x'], content: 'y'.repeat(9000) }] }));
      const tooBig = await tipsy('character', 'lorebook', h.siteId, 'barkeep', '--file', book);
      assert.equal(tooBig.code, 1);
      assert.equal((await tipsy('character', 'lorebook', h.siteId, 'barkeep', '--clear')).code, 0);
      assert.equal((await tipsy('character', 'greetings', h.siteId, 'barkeep', '--clear')).code, 0);
      barkeep = (await h.admin().admin.characters.list.query()).find((c) => c.slug === 'barkeep');
      assert.equal(barkeep?.characterBook, null);
      assert.deepEqual(barkeep?.alternateGreetings, []);
    });
  });
});
