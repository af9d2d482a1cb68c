/**
 * `npm run screenshot`: runs the real server and the demo page in Chromium and
 * saves the pictures the docs show: the demo with two conversations
 * (docs/screenshot.png), and the chat on a phone, in dark, right to left and
 * with Markdown (docs/screenshot-*.png); the studio editing a character beside its live
 * preview, and a conversation taken over, from the owner's side and the visitor's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { buildServer } from '../app.js';
import { loadConfig } from '../config.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

/** Sends a message from a chat and waits for the character's answer to finish streaming. */
async function talk(chat: Locator, text: string): Promise<void> {
  await chat.locator('textarea').fill(text);
  await chat.locator('textarea').press('Enter');
  await chat.locator('[part~=message-character]:not(.greeting)').first().waitFor();
  await chat.locator('[part~=message-character][data-status=streaming]').waitFor({ state: 'detached' });
}

/** The floating chat of the demo page, with attributes set before it opens, then opened. */
async function openFloating(page: Page, attributes: Record<string, string>): Promise<Locator> {
  await page.evaluate((set) => {
    const chat = document.querySelector('tipsy-chat:not([mode=inline])')!;
    for (const [name, value] of Object.entries(set)) chat.setAttribute(name, value);
  }, attributes);
  const chat = page.locator('tipsy-chat:not([mode=inline])');
  await chat.locator('button[part=launcher]').click();
  return chat;
}

const MARKDOWN_GREETING = [
  "**Tonight's specials**, from the bar:",
  '',
  '1. *Smoke & Mirrors*: mezcal, grapefruit, a pinch of salt',
  '2. *Harbour Light*: gin, elderflower, tonic',
  '',
  '> Ask for the off-menu one. I dare you.',
  '',
  'Our hours are on [the website](https://example.com/hours). To book, text `TABLE 4` to the bar:',
  '',
  '```',
  'TABLE 4 @ 21:00',
  '```',
].join('\n');

interface Shot {
  file: string;
  viewport: { width: number; height: number };
  scale?: number;
  take(page: Page): Promise<void>;
}

const SHOTS: Shot[] = [
  {
    file: 'docs/screenshot.png',
    viewport: { width: 1280, height: 860 },
    async take(page) {
      // One after the other: a chat that opens takes the keyboard's focus.
      await talk(page.locator('tipsy-chat[character=juniper]'), 'Where does the tour start?');
      await talk(await openFloating(page, {}), 'Something smoky with mezcal, please!');
      await page.evaluate(() => window.scrollTo(0, 360));
    },
  },
  {
    file: 'docs/screenshot-phone.png',
    viewport: { width: 390, height: 760 },
    scale: 2,
    async take(page) {
      await talk(await openFloating(page, {}), 'Something smoky with mezcal, please!');
    },
  },
  {
    file: 'docs/screenshot-dark.png',
    viewport: { width: 900, height: 760 },
    async take(page) {
      await talk(await openFloating(page, { theme: 'dark' }), 'What would you pour on a rainy night?');
    },
  },
  {
    file: 'docs/screenshot-rtl.png',
    viewport: { width: 900, height: 760 },
    async take(page) {
      await talk(await openFloating(page, { lang: 'he' }), 'מה אתה ממליץ לשתות הערב?');
    },
  },
  {
    file: 'docs/screenshot-markdown.png',
    viewport: { width: 900, height: 760 },
    async take(page) {
      // A character the page defines, whose greeting is Markdown: what a model's reply looks like.
      const chat = await openFloating(page, {
        character: 'menu-card',
        'character-name': 'Marlowe',
        'character-avatar': '/demo/avatars/marlowe.svg',
        'character-persona': 'Marlowe is the bartender of a speakeasy.',
        'character-greeting': MARKDOWN_GREETING,
      });
      await chat.locator('[part~=greeting] pre').waitFor();
    },
  },
  {
    file: 'docs/screenshot-studio.png',
    viewport: { width: 1280, height: 900 },
    async take(page) {
      // The demo site's owner, signed in with a one-time link as `tipsy studio link` prints it, editing a character.
      await page.goto(await studioLink());
      await page.getByRole('button', { name: /^Edit / }).first().click();
      const preview = page.locator('tipsy-studio-preview tipsy-chat');
      await preview.locator('[part~=input]').fill('How much is the Harbour Negroni?');
      await preview.locator('[part~=input]').press('Enter');
      await preview.locator('[part~=message-character]:not([part~=greeting])[data-status=sent]').waitFor();
      await page.locator('tipsy-studio-character').evaluate((editor) => editor.scrollIntoView());
    },
  },
  {
    file: 'docs/screenshot-studio-takeover.png',
    viewport: { width: 1280, height: 900 },
    async take(page) {
      // A visitor on the demo page talks to the bartender; the owner takes the conversation over.
      const visitor = await page.context().browser()!.newContext({ viewport: { width: 900, height: 760 } });
      const visitorPage = await visitor.newPage();
      await visitorPage.goto(url);
      const chat = await openFloating(visitorPage, {});
      await talk(chat, 'Is it busy tonight? We are six.');
      await chat.locator('[part~=message-character]:not([part~=greeting])[data-status=sent]').waitFor();
      await page.goto(await studioLink());
      const conversations = page.locator('tipsy-studio-conversations');
      await conversations.getByRole('button', { name: /^Open the conversation/ }).first().click();
      const takeover = conversations.locator('tipsy-studio-takeover');
      await takeover.getByLabel('Your name').fill('Robin');
      await takeover.getByRole('button', { name: 'Take over' }).click();
      await takeover.getByLabel('Your reply').fill('Robin from the bar here: I have kept the window table for six, see you at eight!');
      await takeover.getByLabel('Your reply').press('Enter');
      await chat.locator('[part~=message-agent]').waitFor();
      await chat.locator('textarea').fill('Perfect, thank you Robin!');
      await chat.locator('textarea').press('Enter');
      await conversations.locator('[part~=transcript-message]', { hasText: 'Perfect, thank you Robin!' }).waitFor();
      await conversations.locator('[part~=transcript]').evaluate((transcript) => transcript.scrollIntoView());
      await visitorPage.waitForTimeout(400);
      await visitorPage.screenshot({ path: 'docs/screenshot-takeover.png' });
      console.log('Saved docs/screenshot-takeover.png');
      await visitor.close();
    },
  },
];

async function shoot(browser: Browser, url: string, shot: Shot): Promise<void> {
  const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: shot.scale ?? 1 });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await shot.take(page);
    await page.waitForTimeout(400); // the panel's own transitions
    await page.screenshot({ path: shot.file });
    console.log(`Saved ${shot.file}`);
  } finally {
    await context.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tipsy-shot-'));
const server = await buildServer({
  ...loadConfig({}),
  port: await freePort(),
  dbFile: join(dir, 'tipsy.db'),
  simulatedDelayMs: 10,
  logLevel: 'warn',
});
const url = (await server.listen()).replace('127.0.0.1', 'localhost');

/** The demo site's owner's one-time link into the studio, as `tipsy studio link` prints it. */
async function studioLink(): Promise<string> {
  const site = await server.db.selectFrom('sites').select('id').orderBy('created_at').executeTakeFirstOrThrow();
  return `${url}/studio/#link=${(await server.services.studio.createLink(site.id)).token}`;
}
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  // `npm run screenshot -- studio` takes only the shots whose file names hold "studio".
  const only = process.argv[2];
  const shots = only ? SHOTS.filter((shot) => shot.file.includes(only)) : SHOTS;
  for (const [i, shot] of shots.entries()) {
    process.stdout.write(`[${i + 1}/${shots.length}] `);
    await shoot(browser, url, shot);
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
