/**
 * A new site owner's whole path, in a real Chromium against the real server, as they would walk it:
 * sign in with a one-time link; create a character with a lorebook entry and hear it answer in the
 * preview; build a snippet and paste it into a page on another origin (allowed from the studio);
 * chat there as a visitor; watch the conversation live in the studio; take over and answer as a
 * person (the visitor sees the name); hand back, and the character answers again.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/tools/chromium.js';
import { startHarness, type Harness } from './harness.js';

/** A page of the owner's site, on an origin of its own, holding whatever snippet they paste. */
async function hostPage(): Promise<{ origin: string; paste(snippet: string): void; close(): Promise<void> }> {
  let body = '';
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The Night Owl</title></head>
<body><h1>The Night Owl</h1>
${body}
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // localhost, not 127.0.0.1: another origin than the chat server's.
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    paste: (snippet) => (body = snippet),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The last message of `part` in a chat's shadow DOM (playwright's locators pierce it). */
const last = (chat: Locator, part: string) => chat.locator(`[part~=${part}]:not([part~=greeting])`).last();

describe('a site owner’s first evening, from a one-time link to handing a conversation back', () => {
  let h: Harness;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof hostPage>>;
  before(async () => {
    h = await startHarness();
    site = await hostPage();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await h?.close();
  });

  it('walks the whole path', async () => {
    const owner = await (await browser.newContext()).newPage();
    await owner.goto(`${h.url}/studio/#link=${(await h.app.services.studio.createLink(h.siteId)).token}`);
    await owner.getByRole('heading', { name: 'Test shop' }).waitFor();

    // A character with a lorebook entry, heard answering from it in the preview.
    const editor = owner.locator('tipsy-studio-character');
    await owner.getByRole('button', { name: 'New character' }).click();
    await editor.getByLabel('Name').fill('Night Owl');
    await editor.getByLabel('Slug').fill('nightowl');
    await editor.getByLabel('Greeting', { exact: true }).fill('Hoo! Welcome to the Night Owl.');
    await editor.getByLabel('Persona').fill('The owl who keeps the bar at the Night Owl.');
    await editor.getByRole('button', { name: 'Add lorebook entry' }).click();
    await editor.getByLabel('Keys, comma-separated').fill('signature drink, house special');
    await editor.getByLabel('Content', { exact: true }).fill('The Midnight Feather: rye, blackberry and smoked honey.');
    await editor.getByRole('button', { name: 'Create character' }).click();
    await editor.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const preview = owner.locator('tipsy-studio-preview tipsy-chat');
    await preview.locator('[part~=greeting]').filter({ hasText: 'Hoo! Welcome to the Night Owl.' }).waitFor({ timeout: 10_000 });
    await preview.locator('[part~=input]').fill('What is your signature drink?');
    await preview.locator('[part~=input]').press('Enter');
    await preview.locator('[part~=message-character]').filter({ hasText: 'The Midnight Feather' }).waitFor({ timeout: 10_000 });

    // The page's origin, allowed from the studio.
    const access = owner.locator('tipsy-studio-access');
    const origins = access.getByLabel('Allowed origins');
    await origins.fill(`${await origins.inputValue()}\n${site.origin}`);
    await access.getByRole('button', { name: 'Save origins' }).click();
    await owner.locator('tipsy-studio-snippet').getByText(site.origin).first().waitFor();

    // The snippet, built for the new character, pasted into the page.
    const builder = owner.locator('tipsy-studio-snippet');
    await builder.getByLabel('Character').selectOption('nightowl');
    const snippet = await builder.locator('[part~=snippet-code]').inputValue();
    assert.match(snippet, /character="nightowl"/);
    site.paste(snippet);

    // A visitor on that page chats with the character.
    const visitorPage = await (await browser.newContext()).newPage();
    await visitorPage.goto(site.origin);
    const chat = visitorPage.locator('tipsy-chat');
    await chat.locator('button[part~=launcher]').click();
    const composer = chat.locator('textarea');
    await composer.fill('Do you have a signature drink?');
    await composer.press('Enter');
    await last(chat, 'message-character').and(chat.locator('[data-status=sent]')).waitFor({ timeout: 10_000 });

    // The owner watches it live.
    const conversations = owner.locator('tipsy-studio-conversations');
    await conversations.getByRole('button', { name: 'Search', exact: true }).click();
    await conversations.locator('[part~=conversation]', { hasText: 'nightowl' }).first().getByRole('button', { name: /^Open the conversation/ }).click();
    const transcript = conversations.locator('[part~=transcript-message]');
    await transcript.filter({ hasText: 'Do you have a signature drink?' }).waitFor();
    await composer.fill('And something without alcohol?');
    await composer.press('Enter');
    await transcript.filter({ hasText: 'And something without alcohol?' }).waitFor({ timeout: 5000 });

    // Takes over: the visitor sees a person, by name, answering.
    const takeover = conversations.locator('tipsy-studio-takeover');
    await takeover.getByLabel('Your name').fill('Robin');
    await takeover.getByRole('button', { name: 'Take over' }).click();
    await chat.locator('.presence', { hasText: 'Robin (a person) is answering' }).waitFor({ timeout: 5000 });
    await takeover.getByLabel('Your reply').fill('Robin here, from the bar: try our rosemary lemonade.');
    await takeover.getByLabel('Your reply').press('Enter');
    const agentMessage = last(chat, 'message-agent');
    await agentMessage.waitFor({ timeout: 5000 });
    assert.equal(await agentMessage.locator('[part~=agent-name]').textContent(), 'Robin');
    assert.equal(await agentMessage.locator('.text').textContent(), 'Robin here, from the bar: try our rosemary lemonade.');
    await transcript.filter({ hasText: 'Robin (person):' }).waitFor({ timeout: 5000 });

    // The visitor answers the person; the character stays quiet.
    const repliesBefore = await chat.locator('[part~=message-character]:not([part~=greeting])').count();
    await composer.fill('Lovely, thank you!');
    await composer.press('Enter');
    await transcript.filter({ hasText: 'Lovely, thank you!' }).waitFor({ timeout: 5000 });
    await visitorPage.waitForTimeout(500);
    assert.equal(await chat.locator('[part~=message-character]:not([part~=greeting])').count(), repliesBefore, 'the character is paused');

    // Hands back: the character answers the next message.
    await takeover.getByRole('button', { name: 'Hand back to the character' }).click();
    await chat.locator('.presence', { hasText: 'Online' }).waitFor({ timeout: 5000 });
    await composer.fill('One more question for the owl?');
    await composer.press('Enter');
    await chat.locator('[part~=message-character]:not([part~=greeting])').nth(repliesBefore).waitFor({ timeout: 10_000 });
    await transcript.filter({ hasText: 'One more question for the owl?' }).waitFor({ timeout: 5000 });
  });
});
