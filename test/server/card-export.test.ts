/**
 * A character's card and its PNG come from one function (characters/cards.ts
 * exportCard): the admin API and the CLI give the same card and the same bytes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { embedCardInPng, exportCard, parseCard, plainPng } from '../../server/characters/cards.js';
import type { CharacterRecord } from '../../server/characters/store.js';
import { startHarness, type Harness } from './harness.js';
import { runTipsy } from './cli-runner.js';
import type { TestDatabase } from './test-database.js';


const PAINTER: CharacterRecord = {
  slug: 'painter',
  name: 'Painter',
  avatarUrl: null,
  greeting: 'Hold still.',
  persona: 'Paints portraits.',
  examples: '',
  accent: '#369',
  responder: null,
  origin: 'site',
  alternateGreetings: [],
  characterBook: null,
  nickname: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

const tipsy = (database: TestDatabase, ...args: string[]) => runTipsy(database.env, args);

describe('exporting a character as a card', () => {
  it('gives the card alone as JSON (V3), with the accent in its tipsy extension', () => {
    const { card, png } = exportCard(PAINTER, 'json');
    assert.equal(png, undefined);
    assert.equal(card.spec, 'chara_card_v3');
    assert.equal(card.spec_version, '3.0');
    assert.equal(card.data.name, 'Painter');
    assert.equal(card.data.description, 'Paints portraits.');
    assert.equal(card.data.first_mes, 'Hold still.');
    assert.deepEqual(card.data.extensions, { tipsy: { slug: 'painter', accent: '#369' } });
    assert.equal('character_book' in card.data, false);
    assert.equal(exportCard(PAINTER, 'json', { spec: 'v2' }).card.spec, 'chara_card_v2');
  });

  it('puts the alternate greetings and the lorebook in the card, the book after the greetings', () => {
    const characterBook = { extensions: {}, entries: [{ keys: ['easel'], content: 'The easel is old.', extensions: {}, enabled: true, insertion_order: 100 }] };
    const { card } = exportCard({ ...PAINTER, alternateGreetings: ['Sit down.'], characterBook }, 'json');
    assert.deepEqual(card.data.alternate_greetings, ['Sit down.']);
    assert.deepEqual(card.data.character_book, characterBook);
    const keys = Object.keys(card.data);
    assert.equal(keys.indexOf('character_book'), keys.indexOf('alternate_greetings') + 1);
  });

  it('puts the card (ccv3, and chara as V2) in a square of its accent, or of the default colour, unless an image is given', () => {
    const { card, png } = exportCard(PAINTER, 'png');
    assert.deepEqual(png, embedCardInPng(plainPng('#369'), card));
    assert.deepEqual(parseCard(png!), card);

    const plain = exportCard({ ...PAINTER, accent: null }, 'png');
    assert.deepEqual(plain.png, embedCardInPng(plainPng(), plain.card));

    const image = plainPng('#123456', 8);
    assert.deepEqual(exportCard(PAINTER, 'png', { image }).png, embedCardInPng(image, card));
  });

  describe('through both transports', () => {
    let h: Harness;
    let dir: string;
    before(async () => {
      h = await startHarness();
      dir = mkdtempSync(join(tmpdir(), 'tipsy-card-'));
      await h.admin().admin.characters.create.mutate({ slug: 'painter', name: 'Painter', persona: 'Paints portraits.', accent: '#336699' });
    });
    after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes the same PNG, the same card inside, from the admin API and the CLI', async () => {
      const api = await h.admin().admin.characters.export.query({ slug: 'painter', format: 'png', spec: 'v3' });
      const out = join(dir, 'painter.png');
      const run = await tipsy(h.database, 'character', 'export', h.siteId, 'painter', '--out', out);
      assert.equal(run.code, 0, run.stderr);
      assert.ok('pngBase64' in api);
      assert.deepEqual(readFileSync(out), Buffer.from(api.pngBase64, 'base64'));
      assert.deepEqual(parseCard(readFileSync(out)), api.card);
    });

    it('answers a V2 card over the admin API unless asked for V3, as it always did', async () => {
      const { card } = await h.admin().admin.characters.export.query({ slug: 'painter' });
      assert.equal(card.spec, 'chara_card_v2');
      assert.equal((await h.admin().admin.characters.export.query({ slug: 'painter', spec: 'v3' })).card.spec, 'chara_card_v3');
    });

    it('puts the card in the image given to the CLI', async () => {
      const [image, out] = [join(dir, 'frame.png'), join(dir, 'framed.png')];
      writeFileSync(image, plainPng('#123456', 8));
      const run = await tipsy(h.database, 'character', 'export', h.siteId, 'painter', '--out', out, '--image', image);
      assert.equal(run.code, 0, run.stderr);
      const { card } = await h.admin().admin.characters.export.query({ slug: 'painter', spec: 'v3' });
      assert.deepEqual(readFileSync(out), embedCardInPng(plainPng('#123456', 8), card));
    });
  });
});
