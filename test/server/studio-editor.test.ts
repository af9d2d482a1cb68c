/**
 * The studio's character editor in a real Chromium against the real server (the studio and the
 * widget built: `npm run build`): a new character with a lorebook entry, saved, talked to in the
 * live preview (the real widget, under the page's own policy) that answers from the entry; an
 * avatar uploaded and shown; a model endpoint tested; a card exported and another imported;
 * markup shown as text; axe finds nothing in light and dark.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';
import { plainPng } from '../../server/characters/cards.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/tools/chromium.js';
import { startFakeModel, type FakeModel, LOCAL_MODEL_ENDPOINTS } from './fake-model.js';
import { startHarness, type Harness } from './harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const NAME = 'Marlowe <img src=x onerror=window.__xss=1>';
const GREETING = 'Evening. <b>What</b> will it be?';

const CARD = {
  spec: 'chara_card_v2',
  spec_version: '2.0',
  data: { name: 'Seraphina', description: 'A forest guardian.', personality: '', scenario: '', first_mes: 'Oh! You are awake.', mes_example: '', creator_notes: '', system_prompt: '', post_history_instructions: '', alternate_greetings: [], tags: [], creator: '', character_version: '1', extensions: {} },
};

async function downloaded(download: Promise<Download>): Promise<{ name: string; bytes: Buffer }> {
  const done = await download;
  const chunks: Buffer[] = [];
  for await (const chunk of await done.createReadStream()) chunks.push(chunk as Buffer);
  return { name: done.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const { violations } = await axe.run(document);
    return violations.map((v) => `${v.id} (${v.nodes.length}: ${JSON.stringify(v.nodes[0]?.target)})`);
  });
}

describe('the studio’s character editor in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let fake: FakeModel;
  before(async () => {
    h = await startHarness({ config: { responderEndpoints: LOCAL_MODEL_ENDPOINTS } });
    fake = await startFakeModel();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await fake?.close();
    await h?.close();
  });

  const linkUrl = async () => `${h.url}/studio/#link=${(await h.app.services.studio.createLink(h.siteId)).token}`;
  const editor = (page: Page) => page.locator('tipsy-studio-character');

  it('creates a character with a lorebook, previews it in the real widget, and handles its avatar, endpoint and cards', async () => {
    // The page's own policy applies: the preview's widget must load as one of its own scripts.
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(await linkUrl());
    await page.getByRole('heading', { name: 'Test shop' }).waitFor();

    await page.getByRole('button', { name: 'New character' }).click();
    await editor(page).getByRole('heading', { name: 'New character' }).waitFor();
    await editor(page).getByLabel('Name').fill(NAME);
    await editor(page).getByLabel('Slug').fill('marlowe');
    await editor(page).getByLabel('Greeting', { exact: true }).fill(GREETING);
    await editor(page).getByLabel('Persona').fill('A bartender at a jazz bar.');
    await editor(page).getByRole('button', { name: 'Add alternate greeting' }).click();
    await editor(page).getByLabel('Alternate greeting 1', { exact: true }).fill('Back again?');
    await editor(page).getByRole('button', { name: 'Add lorebook entry' }).click();
    await editor(page).getByLabel('Keys, comma-separated').fill('secret recipe, house special');
    await editor(page).getByLabel('Content', { exact: true }).fill('Three drops of bitters, a twist of orange.');
    await editor(page).getByLabel('Accent hex').fill('#c2410c');
    await editor(page).getByRole('button', { name: 'Create character' }).click();
    await editor(page).getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    const saved = (await h.admin().admin.characters.list.query()).find((c) => c.slug === 'marlowe');
    assert.equal(saved?.name, NAME);
    assert.deepEqual(saved?.alternateGreetings, ['Back again?']);
    assert.equal(saved?.accent, '#c2410c');
    assert.deepEqual(saved?.characterBook?.entries.map((e) => [e.keys, e.content, e.enabled, e.constant]), [[['secret recipe', 'house special'], 'Three drops of bitters, a twist of orange.', true, false]]);
    // Markup is text: in the list and in the editor's heading.
    await page.getByRole('cell', { name: NAME, exact: true }).waitFor();
    assert.ok(await page.getByRole('cell', { name: GREETING, exact: true }).isVisible());
    await editor(page).getByRole('heading', { name: `Edit ${NAME}` }).waitFor();

    // The live preview: the real widget, talking to the draft, answering from the lorebook.
    const widget = page.locator('tipsy-studio-preview tipsy-chat');
    await widget.waitFor();
    assert.match((await widget.getAttribute('character'))!, /^draft-[0-9a-f]{16}$/);
    await widget.locator('[part~=greeting]').filter({ hasText: GREETING }).waitFor({ timeout: 10_000 });
    await widget.locator('[part~=input]').fill('What is the secret recipe?');
    await widget.locator('[part~=input]').press('Enter');
    await widget.locator('[part~=message-character]').filter({ hasText: 'Three drops of bitters' }).waitFor({ timeout: 10_000 });
    assert.equal((await h.admin().admin.characters.list.query()).some((c) => c.slug.startsWith('draft-')), false, 'drafts are never listed');

    // An edit, previewed: a new draft, a new widget, a new conversation.
    const firstDraft = await widget.getAttribute('character');
    await editor(page).getByLabel('Greeting', { exact: true }).fill('Welcome back to the bar.');
    await editor(page).getByRole('button', { name: 'Preview' }).click();
    await widget.locator('[part~=greeting]').filter({ hasText: 'Welcome back to the bar.' }).waitFor({ timeout: 10_000 });
    assert.notEqual(await widget.getAttribute('character'), firstDraft);
    assert.equal((await widget.locator('[part~=message-user]').count()), 0, 'a new conversation');

    // An avatar: a file that is no image is refused here, a PNG is uploaded and shown.
    const avatarInput = editor(page).getByLabel(/^Avatar image/);
    await avatarInput.setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
    await editor(page).getByRole('alert').filter({ hasText: 'not a PNG, JPEG, WebP or GIF' }).waitFor();
    await avatarInput.setInputFiles({ name: 'avatar.png', mimeType: 'image/png', buffer: plainPng('#336699') });
    const avatar = editor(page).locator('img[part~=avatar]');
    await avatar.waitFor();
    assert.match((await avatar.getAttribute('src'))!, new RegExp(`^/avatars/${h.siteId}/[0-9a-f]{64}\\.png$`));
    assert.equal(await avatar.getAttribute('alt'), `Avatar of ${NAME}`);
    await page.waitForFunction(() => {
      const img = document.querySelector('tipsy-studio')?.shadowRoot?.querySelector('tipsy-studio-characters')?.shadowRoot?.querySelector('tipsy-studio-character')?.shadowRoot?.querySelector('img');
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
    });
    assert.match((await h.admin().admin.characters.list.query()).find((c) => c.slug === 'marlowe')!.avatarUrl!, /^\/avatars\//);

    // Test connection: a real local endpoint answers; the key typed is never shown back.
    await editor(page).getByLabel('Responder').selectOption('openai');
    await editor(page).getByLabel('Base URL').fill(fake.baseUrl);
    await editor(page).getByLabel('Model').fill('tiny');
    await editor(page).getByLabel('API key').fill('sk-test-key-123456789');
    await editor(page).getByRole('button', { name: 'Test connection' }).click();
    await editor(page).getByRole('status').filter({ hasText: /Connected: fake answered in \d+ ms/ }).waitFor();
    assert.equal(fake.requests.at(-1)?.authorization, 'Bearer sk-test-key-123456789');
    await editor(page).getByLabel('Base URL').fill('http://169.254.169.254/v1');
    await editor(page).getByRole('button', { name: 'Test connection' }).click();
    await editor(page).getByRole('alert').filter({ hasText: /private address/ }).waitFor();
    await editor(page).getByLabel('Responder').selectOption('default');

    // Export, as V3 JSON and PNG.
    const jsonDownload = page.waitForEvent('download');
    await editor(page).getByRole('button', { name: 'Export JSON' }).click();
    const card = await downloaded(jsonDownload);
    assert.equal(card.name, 'marlowe.json');
    const parsed = JSON.parse(card.bytes.toString('utf8')) as { spec: string; data: { name: string; character_book: { entries: { content: string }[] } } };
    assert.equal(parsed.spec, 'chara_card_v3');
    assert.equal(parsed.data.name, NAME);
    assert.equal(parsed.data.character_book.entries[0]?.content, 'Three drops of bitters, a twist of orange.');
    const pngDownload = page.waitForEvent('download');
    await editor(page).getByRole('button', { name: 'Export PNG' }).click();
    const png = await downloaded(pngDownload);
    assert.equal(png.name, 'marlowe.png');
    assert.deepEqual([...png.bytes.subarray(1, 4)], [...Buffer.from('PNG')]);

    // Import a card with the file input: it opens in the editor; then delete it, after a confirmation.
    await page.getByLabel('Character card file').setInputFiles({ name: 'seraphina.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(CARD)) });
    await editor(page).getByRole('heading', { name: 'Edit Seraphina' }).waitFor();
    await page.getByRole('cell', { name: 'seraphina', exact: true }).waitFor();
    assert.equal(await editor(page).getByLabel('Greeting', { exact: true }).inputValue(), 'Oh! You are awake.');
    await page.getByLabel('Character card file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"spec":"nope"}') });
    await page.locator('tipsy-studio-characters [part~=card-drop] [role=alert]').waitFor();
    await editor(page).getByRole('button', { name: 'Delete character…' }).click();
    await editor(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await editor(page).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'seraphina', exact: true }).waitFor({ state: 'detached' });
    assert.equal((await h.admin().admin.characters.list.query()).some((c) => c.slug === 'seraphina'), false);

    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, 'no markup ran');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('shows save errors in words, and is axe-clean with the preview open, in light and dark', async () => {
    // axe is injected by the test: the page's own policy would refuse it.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(await linkUrl());
    await page.getByRole('button', { name: 'New character' }).click();
    await editor(page).getByLabel('Name').fill('Dup');
    await editor(page).getByLabel('Slug').fill('barkeep');
    await editor(page).getByRole('button', { name: 'Create character' }).click();
    await editor(page).getByRole('alert').filter({ hasText: /already has a character "barkeep"/ }).waitFor();

    await page.getByRole('button', { name: 'Edit Barkeep' }).click();
    await editor(page).getByRole('heading', { name: 'Edit Barkeep' }).waitFor();
    await editor(page).getByRole('button', { name: 'Add lorebook entry' }).click();
    await page.locator('tipsy-studio-preview tipsy-chat [part~=input]').waitFor({ timeout: 10_000 });
    assert.deepEqual(await axeViolations(page), [], 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await axeViolations(page), [], 'dark');
    await context.close();
  });
});
