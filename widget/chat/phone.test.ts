/**
 * The full-screen panel on a phone: nothing covers its controls, the input does not make iOS
 * zoom, the composer stays above the on-screen keyboard, and the page behind does not scroll.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../index.js';
import { $, mount, rendered, shadow, testEnv, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

describe('chat on a phone', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(async () => {
    localStorage.clear();
    await setViewport({ width: 375, height: 667 });
  });
  afterEach(async () => {
    document.querySelectorAll('tipsy-chat').forEach((el) => el.remove());
    await setViewport({ width: 800, height: 600 });
  });

  const centre = (el: Element) => {
    const box = el.getBoundingClientRect();
    return [box.left + box.width / 2, box.top + box.height / 2] as const;
  };

  it('leaves the Send button uncovered, and the input at 16px', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server });
    el.open();
    await waitForReady(el);
    const send = $(el, '[part~=send]')!;
    expect(shadow(el).elementFromPoint(...centre(send))?.closest('button')).to.equal(send);
    const close = $(el, '.header button:last-child')!;
    expect(shadow(el).elementFromPoint(...centre(close))?.closest('button')).to.equal(close);
    expect(parseFloat(getComputedStyle($(el, 'textarea')!).fontSize)).to.be.at.least(16);
    el.close();
    await rendered();
    expect(getComputedStyle($(el, '[part~=launcher]')!).display, 'the bubble is back').to.not.equal('none');
  });

  it('keeps the composer inside the visual viewport when the keyboard takes half the screen', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server });
    el.open();
    await waitForReady(el);
    await setViewport({ width: 375, height: 360 });
    const viewport = window.visualViewport!;
    await waitUntil(
      () => $(el, '.composer')!.getBoundingClientRect().bottom <= viewport.offsetTop + viewport.height + 0.5,
      'the composer above the keyboard',
    );
    expect($(el, '[part~=panel]')!.getBoundingClientRect().top).to.be.at.least(viewport.offsetTop - 0.5);
  });

  it('locks the page’s scroll while the full-screen panel is open, and restores it after', async () => {
    const root = document.documentElement;
    root.style.overflow = 'clip';
    const tall = document.body.appendChild(Object.assign(document.createElement('div'), { style: 'height: 3000px' }));
    try {
      const el = mount({ 'site-key': env.siteKey, server: env.server });
      el.open();
      await waitForReady(el);
      expect(root.style.overflow).to.equal('hidden');
      el.close();
      await rendered();
      expect(root.style.overflow, 'the page’s own value').to.equal('clip');

      await setViewport({ width: 800, height: 600 });
      el.open();
      await waitForReady(el);
      expect(root.style.overflow, 'a floating panel leaves the page alone').to.equal('clip');
    } finally {
      tall.remove();
      root.style.overflow = '';
    }
  });
});
