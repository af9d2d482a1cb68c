/**
 * The bubble's focus ring sits on the host page, whose colours the widget cannot know: it must
 * stand out (3:1, WCAG 1.4.11) on a light, a dark and a mid-grey page, whatever the accent.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.js';
import { contrast } from '../chat/accent-contrast.js';
import { $, mount, testEnv } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

const hex = (rgb: string) => `#${(rgb.match(/\d+/g) ?? []).slice(0, 3).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;

describe('the bubble’s focus ring', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  afterEach(() => document.querySelectorAll('tipsy-chat').forEach((el) => el.remove()));

  for (const accent of ['#fde047', '#1e1b4b', '#c2410c']) {
    it(`stands out on any page with the accent ${accent}`, async () => {
      const el = mount({ 'site-key': env.siteKey, server: env.server, style: `--tipsy-accent: ${accent}` });
      const bubble = $(el, '[part~=launcher]')!;
      await waitUntil(() => bubble.isConnected);
      // A real key press, so the browser shows the ring (:focus-visible) as a keyboard user sees it.
      document.body.tabIndex = -1;
      document.body.focus();
      await sendKeys({ press: 'Tab' });
      await waitUntil(() => el.shadowRoot!.activeElement === bubble, 'the bubble has focus');
      const style = getComputedStyle(bubble);
      expect(style.outlineStyle).to.equal('solid');
      expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
      // The ring: the outline, and the band the first box shadow draws between it and the bubble.
      const ring = [hex(style.outlineColor), hex(style.boxShadow.split(/,(?![^(]*\))/)[0]!)];
      expect(style.boxShadow, 'a solid band under the outline').to.match(/0px 0px 0px 2px/);
      for (const page of ['#ffffff', '#000000', '#767676']) {
        const best = Math.max(...ring.map((colour) => contrast(colour, page)));
        expect(best, `ring ${ring.join(' + ')} on ${page}`).to.be.at.least(3);
      }
    });
  }
});
