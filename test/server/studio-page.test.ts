/**
 * The studio in a real Chromium against the real server: a site owner opens a one-time link,
 * is signed in with a cookie no script can read, creates a character, copies the snippet,
 * signs out; a used link and a wrong key are refused; axe finds nothing, in light and dark.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/tools/chromium.js';
import { startHarness, type Harness } from './harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('the studio in a browser', () => {
  let h: Harness;
  let browser: Browser;
  before(async () => {
    h = await startHarness();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  const linkUrl = async () => `${h.url}/studio/#link=${(await h.app.services.studio.createLink(h.siteId)).token}`;

  async function axeViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: AXE });
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe;
      const { violations } = await axe.run(document);
      return violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
  }

  it('signs in with a one-time link, keeps no secret in the page, creates a character and signs out', async () => {
    // axe is injected by the test: the page's own policy would refuse it (that policy is checked below).
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const url = await linkUrl();
    await page.goto(url);
    await page.getByRole('heading', { name: 'Test shop' }).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the used link leaves the address bar');

    // Nothing secret where scripts can read it: storage is empty, the cookie is HttpOnly and SameSite=Strict.
    const readable = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
    assert.deepEqual(readable, { local: 0, session: 0, cookie: '' });
    const [cookie] = await context.cookies();
    assert.equal(cookie?.name, 'tipsy_studio');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');

    // The site's characters, and a new one.
    assert.equal(await page.locator('tipsy-studio [part~=character]').count(), 3);
    await page.getByRole('button', { name: 'New character' }).click();
    await page.getByLabel('Name').fill('Marlowe');
    await page.getByLabel('Slug').fill('marlowe');
    await page.getByLabel('Greeting', { exact: true }).fill('Evening. <b>What</b> will it be?');
    await page.getByRole('button', { name: 'Create character' }).click();
    await page.getByRole('cell', { name: 'marlowe', exact: true }).waitFor();
    assert.ok(await page.getByRole('cell', { name: 'Evening. <b>What</b> will it be?' }).isVisible(), 'text, never HTML');
    assert.equal((await h.admin().admin.characters.list.query()).some((c) => c.slug === 'marlowe'), true);
    const snippet = await page.locator('tipsy-studio-snippet [part~=snippet-code]').inputValue();
    assert.match(snippet!, new RegExp(`site-key="${h.siteKey}"`));
    assert.match(snippet!, new RegExp(`${h.url}/widget/tipsy-chat.js`));

    assert.deepEqual(await axeViolations(page), [], 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await axeViolations(page), [], 'dark');

    // A reload keeps the session; signing out ends it, for a reload too.
    await page.reload();
    await page.getByRole('heading', { name: 'Test shop' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to your site' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to your site' }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the sign-in screen');

    // The same link again: refused, with words.
    await page.goto(url);
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent())!, /not valid/);
    await context.close();
  });

  it('signs in with the secret key typed once, and says so for a wrong one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.url}/studio`);
    await page.getByLabel('Secret key').fill('sk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Secret key').fill(h.site.secretKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Test shop' }).waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    assert.equal(stored.includes(h.site.secretKey), false);
    await context.close();
  });

  it('follows a conversation live, exports it and erases its visitor', async () => {
    const { visitorToken, conversationId } = await h.session('barkeep');
    const socket = await h.socket(visitorToken);
    const say = async (content: string) => {
      const replied = new Promise((resolve) => socket.on('receive_message', (m) => m.sender_type === 'character' && resolve(m)));
      await socket.emitWithAck('send_message', { conversationId, content });
      await replied;
    };
    await say('=HYPERLINK("x") and a "quote"');
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(await linkUrl());
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    await page.locator('tipsy-studio-conversations [part~=conversation]').first().getByRole('button', { name: /^Open the conversation/ }).click();
    const transcript = page.locator('tipsy-studio-conversations [part~=transcript-message]');
    await transcript.filter({ hasText: '=HYPERLINK' }).waitFor();
    // Live: what the visitor says next shows while the transcript is open.
    await say('<img src=x onerror=alert(1)> still there?');
    await transcript.filter({ hasText: '<img src=x onerror=alert(1)> still there?' }).waitFor({ timeout: 5000 });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const chunks: Buffer[] = [];
    for await (const chunk of await (await download).createReadStream()) chunks.push(chunk as Buffer);
    const csv = Buffer.concat(chunks).toString('utf8');
    assert.match(csv, /^"conversation","seq","sender","created_at","content","sender_name"\r\n/);
    assert.ok(csv.includes(`"'=HYPERLINK(""x"") and a ""quote"""`), 'a formula made inert, quotes doubled');

    await page.getByRole('button', { name: 'Erase this visitor…' }).click();
    await page.getByRole('button', { name: 'Erase', exact: true }).click();
    await page.locator('tipsy-studio-conversations [part~=transcript]').waitFor({ state: 'detached' });
    const left = await h.admin().admin.conversations.list.query({ limit: 100 });
    assert.equal(left.conversations.some((c) => c.id === conversationId), false, 'erased');
    socket.disconnect();
    await context.close();
  });

  it('edits the allowed origins, shows a new secret key once, and revokes a key', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(await linkUrl());
    await page.getByRole('heading', { name: 'Origins and keys' }).waitFor();
    await page.getByLabel('Allowed origins, one per line').fill('http://shop.example\nhttps://*.example.org');
    await page.getByRole('button', { name: 'Save origins' }).click();
    for (let i = 0; i < 50 && (await h.admin().admin.site.get.query()).origins.length !== 2; i++) await page.waitForTimeout(100);
    assert.deepEqual((await h.admin().admin.site.get.query()).origins, ['http://shop.example', 'https://*.example.org']);
    await page.getByLabel('Allowed origins, one per line').fill('ftp://nope');
    await page.getByRole('button', { name: 'Save origins' }).click();
    await page.locator('tipsy-studio-access [role=alert]').waitFor();
    assert.deepEqual((await h.admin().admin.site.get.query()).origins, ['http://shop.example', 'https://*.example.org'], 'a bad origin changes nothing');

    await page.getByRole('button', { name: 'New secret key' }).click();
    const shown = (await page.locator('tipsy-studio-access [part~=new-secret] code').textContent())!;
    assert.match(shown, /^sk_/);
    assert.ok(await h.admin(shown).admin.site.get.query(), 'the key shown works');
    const keys = page.locator('tipsy-studio-access [part~=key]');
    const before = await keys.count();
    await page.getByRole('button', { name: `Revoke secret key sk_…${shown.slice(-4)}` }).click();
    for (let i = 0; i < 50 && (await keys.count()) !== before - 1; i++) await page.waitForTimeout(100);
    assert.equal(await keys.count(), before - 1);
    await assert.rejects(h.admin(shown).admin.site.get.query(), 'revoked');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    assert.equal(stored.includes(shown), false, 'the new secret is on the screen, nowhere else');

    // A rotated publishable key: the snippet names the new one.
    const snippet = page.locator('tipsy-studio-snippet [part~=snippet-code]');
    await page.getByRole('button', { name: `Rotate publishable key ${h.siteKey}` }).click();
    for (let i = 0; i < 150 && (await snippet.inputValue()).includes(h.siteKey); i++) await page.waitForTimeout(100);
    const current = (await h.admin().admin.keys.list.query()).find((k) => k.kind === 'publishable' && !k.revokedAt)!.display;
    assert.match(await snippet.inputValue(), new RegExp(`site-key="${current}"`));
    await context.close();
  });

  it('serves the page with a policy that keeps it unframed and its scripts its own', async () => {
    const response = await fetch(`${h.url}/studio`);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.match(response.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.match(response.headers.get('content-security-policy')!, /script-src 'self'/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });
});
