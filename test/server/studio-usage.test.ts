/**
 * The studio's search, usage charts and snippet builder in a real Chromium against the real
 * server: conversations filtered by words and character (and "No conversations match"), a chart
 * per series with its numbers readable as a table, a snippet that follows the owner's picks
 * beside a live `<tipsy-chat>` with the same attributes, Copy, and user-hash examples that hash as
 * the server checks (the Node one run here, through a real session.start); axe clean, light and dark.
 * The studio and the widget as `npm run build` leaves them (dist-studio/, dist/).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/tools/chromium.js';
import { USER_HASH_EXAMPLES } from '../../studio/user-hash-examples.js';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('the studio’s search, usage and snippet builder in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let scratch: string;
  let page: Page;
  const ids: Record<string, string> = {};

  async function converse(character: string, content: string): Promise<string> {
    const { visitorToken, conversationId } = await h.api().session.start.mutate({ siteKey: h.siteKey, character });
    await h.api({ token: visitorToken }).message.send.mutate({ conversationId, content });
    return conversationId;
  }

  async function axeViolations(): Promise<string[]> {
    await page.addScriptTag({ path: AXE });
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
      const { violations } = await axe.run(document);
      return violations.map((v) => `${v.id} (${JSON.stringify(v.nodes.map((n) => n.target))})`);
    });
  }

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'tipsy-studio-usage-'));
    h = await startHarness();
    ids.negroni = await converse('barkeep', 'A NEGRONI, stirred');
    ids.museum = await converse('guide', 'Where is the museum?');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    // axe is injected by the test: the page's own policy would refuse it.
    const context = await browser.newContext({ bypassCSP: true, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    await page.goto(`${h.url}/studio/#link=${(await h.app.services.studio.createLink(h.siteId)).token}`);
    await page.getByRole('heading', { name: 'Test shop' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('searches conversations by words and character, and says when none match', async () => {
    const list = page.locator('tipsy-studio-conversations');
    const rows = list.locator('[part~=conversation]');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    await list.getByLabel('Character').locator('option', { hasText: 'Guide (guide)' }).waitFor({ state: 'attached' });

    await list.getByLabel('Words').fill('negroni');
    await list.getByRole('button', { name: 'Search', exact: true }).click();
    await list.locator('[part~=conversation]', { hasText: 'barkeep' }).waitFor();
    await list.locator('[part~=conversation]', { hasText: 'guide' }).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 1);

    await list.getByLabel('Words').fill('the museum');
    await list.getByLabel('Character').selectOption('barkeep');
    await list.getByRole('button', { name: 'Search', exact: true }).click();
    await list.getByText('No conversations match.').waitFor();
    assert.equal(await rows.count(), 0);

    await list.getByLabel('Character').selectOption('guide');
    await list.getByRole('button', { name: 'Search', exact: true }).click();
    await list.locator('[part~=conversation]', { hasText: 'guide' }).waitFor();
    assert.equal(await rows.count(), 1);

    await list.getByRole('button', { name: 'Clear' }).click();
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
  });

  it('charts the last 30 days, a chart per series, each named and readable as a table', async () => {
    const usage = page.locator('tipsy-studio-usage');
    await usage.locator('[part~=usage-chart]').nth(5).waitFor();
    assert.equal(await usage.locator('[part~=usage-chart]').count(), 6);
    await usage.getByRole('figure', { name: 'Conversations started: 2' }).waitFor();
    await usage.getByRole('figure', { name: 'Messages from visitors: 2' }).waitFor();
    const table = usage.getByRole('table', { name: 'Messages from visitors, by UTC day' });
    assert.equal(await table.locator('tbody tr').count(), 30);
    assert.equal(await table.locator('tbody tr').last().locator('td').textContent(), '2', 'today, last');
    assert.equal(await table.locator('tbody tr').first().locator('td').textContent(), '0', 'a day with none is there, as 0');
    assert.equal(await usage.locator('[part~=usage-chart] svg').first().getAttribute('aria-hidden'), 'true');
    assert.equal(await usage.locator('[part~=usage-chart]').first().locator('rect').count(), 30);
  });

  it('builds a snippet as the owner picks, beside a live widget with the same attributes, and copies it', async () => {
    const builder = page.locator('tipsy-studio-snippet');
    const code = builder.locator('[part~=snippet-code]');
    const live = builder.locator('tipsy-chat[part~=live-chat]');
    const before = await code.inputValue();
    assert.match(before, new RegExp(`<script src="${h.url}/widget/tipsy-chat.js" defer></script>`));
    assert.match(before, new RegExp(`<tipsy-chat site-key="${h.siteKey}"></tipsy-chat>`));

    await builder.getByLabel('Character').selectOption('guide');
    await builder.getByLabel('Theme').selectOption('dark');
    await builder.getByLabel('Own accent colour').check();
    await builder.getByLabel('Accent colour', { exact: true }).fill('#1a7f37');
    const after = await code.inputValue();
    assert.notEqual(after, before);
    assert.match(after, new RegExp(`<tipsy-chat site-key="${h.siteKey}" character="guide" theme="dark" style="--tipsy-accent: #1a7f37"></tipsy-chat>`));
    assert.equal(await live.getAttribute('theme'), 'dark');
    assert.equal(await live.getAttribute('character'), 'guide');
    assert.equal(await live.getAttribute('site-key'), h.siteKey);
    await page.waitForFunction(() => customElements.get('tipsy-chat') !== undefined, undefined, { timeout: 10_000 });
    assert.equal(await live.evaluate((el) => getComputedStyle(el).getPropertyValue('--tipsy-accent').trim()), '#1a7f37');

    await builder.getByLabel('Mode').selectOption('inline');
    assert.match(await code.inputValue(), /<div style="height: 480px">\n {2}<tipsy-chat [^>]*mode="inline"/);
    assert.equal(await live.getAttribute('mode'), 'inline');

    await builder.getByLabel('Placeholder').fill('Ask "Guide" <anything>');
    assert.match(await code.inputValue(), /placeholder="Ask &quot;Guide&quot; &lt;anything&gt;"/, 'the snippet is HTML that holds only text');
    assert.equal(await live.getAttribute('placeholder'), 'Ask "Guide" <anything>');

    await builder.getByRole('button', { name: 'Copy' }).click();
    await builder.getByText('Copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await code.inputValue());
  });

  it('shows user-hash examples that compute the hash the server checks', async () => {
    const builder = page.locator('tipsy-studio-snippet');
    await builder.getByLabel('Signed-in users (user-id and user-hash)').check();
    assert.match(await builder.locator('[part~=snippet-code]').inputValue(), / user-id="USER_ID" user-hash="USER_HASH"><\/tipsy-chat>/);
    for (const example of USER_HASH_EXAMPLES) {
      await builder.getByText(example.language, { exact: true }).click();
      assert.equal(await builder.locator('[part~=user-hash-example][open] pre').last().textContent(), example.code);
    }

    // The Node example, as shown, run with the site's identity secret: the server takes its hash, and no other.
    const file = join(scratch, 'user-hash.mjs');
    writeFileSync(file, USER_HASH_EXAMPLES[0]!.code);
    process.env.TIPSY_IDENTITY_SECRET = h.site.identitySecret;
    const { tipsyUserHash } = (await import(pathToFileURL(file).href)) as { tipsyUserHash(id: string): string };
    const hash = tipsyUserHash('user-42 Ünïcode');
    const wrong = tipsyUserHash('user-43');
    delete process.env.TIPSY_IDENTITY_SECRET;
    const started = await h.api().session.start.mutate({ siteKey: h.siteKey, user: { id: 'user-42 Ünïcode', hash } });
    assert.ok(started.visitorToken);
    assert.equal(await trpcErrorCode(h.api().session.start.mutate({ siteKey: h.siteKey, user: { id: 'user-42 Ünïcode', hash: wrong } })), 'IDENTITY_REJECTED');

    // The Python one too, where Python is installed.
    const python = await promisify(execFile)('python3', ['-c', `${USER_HASH_EXAMPLES[1]!.code}\nprint(tipsy_user_hash("user-42 Ünïcode"))`], {
      env: { ...process.env, TIPSY_IDENTITY_SECRET: h.site.identitySecret, PYTHONIOENCODING: 'utf-8' },
    }).catch(() => undefined);
    if (python) assert.equal(python.stdout.trim(), hash);
  });

  it('leaves axe nothing to find, in light and dark', async () => {
    assert.deepEqual(await axeViolations(), [], 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await axeViolations(), [], 'dark');
  });
});
