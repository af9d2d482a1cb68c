/**
 * `npm run screenshot`: runs the real server and the demo page in Chromium,
 * holds a short conversation in both widgets, and saves docs/screenshot.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
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

const dir = mkdtempSync(join(tmpdir(), 'tipsy-shot-'));
const port = await freePort();
const server = await buildServer({
  ...loadConfig({}),
  port,
  dbFile: join(dir, 'tipsy.db'),
  simulatedDelayMs: 10,
  logLevel: 'warn',
});
const url = (await server.listen()).replace('127.0.0.1', 'localhost');
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
  await page.goto(url);
  const inline = page.locator('tipsy-chat[character=juniper]');
  await inline.locator('textarea').fill('Where does the tour start?');
  await inline.locator('textarea').press('Enter');
  await page.locator('tipsy-chat:not([mode=inline])').locator('button[part=launcher]').click();
  const launcher = page.locator('tipsy-chat:not([mode=inline])');
  await launcher.locator('textarea').fill('Something smoky with mezcal, please!');
  await launcher.locator('textarea').press('Enter');
  await launcher.locator('[part~=message-character]:not(.greeting)').first().waitFor();
  await inline.locator('[part~=message-character]:not(.greeting)').first().waitFor();
  await page.waitForTimeout(1500);
  await page.evaluate(() => window.scrollTo(0, 360));
  await page.screenshot({ path: 'docs/screenshot.png' });
  console.log('Saved docs/screenshot.png');
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
