/**
 * A reply that arrives whole, never streamed to this page (Socket.IO blocked, the reply
 * found by polling), is announced to screen readers once, like a streamed one.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../index.js';
import { recordAnnouncements } from '../../test/browser/live-regions.js';
import { $, bubbles, mount, setNetwork, shadow, testEnv, typeAndSend } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

describe('replies that arrive whole', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(async () => {
    document.querySelectorAll('tipsy-chat').forEach((el) => el.remove());
    await setNetwork('open');
  });

  it('are announced once, with who said them', async () => {
    await setNetwork('no-socket');
    const el = mount({ 'site-key': env.siteKey, server: env.proxiedServer, mode: 'inline', character: 'barkeep' });
    await waitUntil(() => $(el, '[part~=panel]')?.dataset.connection === 'fallback', 'fallback mode', { timeout: 8000 });
    const recorder = recordAnnouncements(shadow(el));
    await typeAndSend(el, 'Anything by the window?');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the reply, by polling', { timeout: 8000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    recorder.stop();
    const reply = bubbles(el, 'character')[0]!.querySelector('.text')!.textContent!;
    const texts = recorder.announcements.map((a) => a.text);
    expect(texts.filter((text) => text.endsWith(reply)), JSON.stringify(texts)).to.deep.equal([`Barkeep <b>Bob</b>: ${reply}`]);
  });
});
