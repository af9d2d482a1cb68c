/**
 * At 400 % zoom a desktop window is a phone-sized viewport (1280 × 720 CSS px become 320 × 180):
 * the panel must still leave room to read messages, and its controls must stay on screen.
 */
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../index.js';
import { $, mount, testEnv, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

describe('chat at 400 % zoom', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(async () => {
    document.querySelectorAll('tipsy-chat').forEach((el) => el.remove());
    await setViewport({ width: 800, height: 600 });
  });

  for (const [width, height] of [
    [320, 180],
    [320, 256],
  ] as const) {
    it(`leaves a usable message area in ${width} × ${height}`, async () => {
      await setViewport({ width, height });
      const el = mount({ 'site-key': env.siteKey, server: env.server, character: 'barkeep' });
      el.open();
      await waitForReady(el);
      // Measured once the panel has finished moving into place (its opening transition, a late reflow).
      await Promise.all(el.shadowRoot!.getAnimations().map((animation) => animation.finished));
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const log = $(el, '[part~=log]')!.getBoundingClientRect();
      // Two lines of text at the widget's 15 px / 1.45, with room to spare, and at least a third of the window.
      expect(log.height, 'the message area').to.be.at.least(Math.max(2 * 22, height / 3));
      for (const part of ['header', 'input', 'send']) {
        const box = $(el, `[part~=${part}]`)!.getBoundingClientRect();
        expect(box.top >= -0.5 && box.bottom <= height + 0.5 && box.left >= -0.5 && box.right <= width + 0.5, `${part} on screen: ${JSON.stringify(box)}`).to.be.true;
      }
      expect(document.documentElement.scrollWidth, 'no sideways scrolling').to.be.at.most(width);
    });
  }
});
