/**
 * Styles where constructable style sheets are missing (Safari before 16.4):
 * the element and the chat fall back to <style> elements of their own.
 */
import { expect } from '@open-wc/testing';
import './index.js';
import { $, mount, shadow, testEnv, waitForReady } from '../test/browser/page-helpers.js';

describe('styles without constructable style sheets', () => {
  const adopted = Object.getOwnPropertyDescriptor(ShadowRoot.prototype, 'adoptedStyleSheets')!;
  beforeEach(() => Reflect.deleteProperty(ShadowRoot.prototype, 'adoptedStyleSheets'));
  afterEach(() => {
    Object.defineProperty(ShadowRoot.prototype, 'adoptedStyleSheets', adopted);
    document.querySelectorAll('tipsy-chat').forEach((el) => el.remove());
  });

  it('styles the bubble and the panel through <style> elements', async () => {
    const env = await testEnv();
    const launcher = mount({ 'site-key': env.siteKey, server: env.server });
    expect(getComputedStyle($(launcher, '[part~=launcher]')!).borderRadius).to.equal('50%');

    const inline = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', theme: 'dark' });
    await waitForReady(inline);
    expect(shadow(inline).querySelectorAll('style')).to.have.length(2); // the element's and the chat's
    expect(getComputedStyle($(inline, '[part~=panel]')!).backgroundColor).to.equal('rgb(28, 25, 23)');
  });
});
