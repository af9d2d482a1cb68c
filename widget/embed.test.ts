/**
 * The way a customer embeds the widget: the built classic script, loaded
 * cross-origin from the chat server, and an element with only a site key.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { bubbles, mount, testEnv, typeAndSend, waitForReady } from '../test/browser/page-helpers.js';

describe('embedding by script tag', () => {
  it('loads dist/tipsy-chat.js from the server and talks to the server it came from', async () => {
    const env = await testEnv();
    expect(new URL(env.server).origin).to.not.equal(location.origin);
    localStorage.clear();
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = `${env.server}/widget/tipsy-chat.js`;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('the widget script did not load'));
      document.head.append(script);
    });
    expect(customElements.get('tipsy-chat')).to.exist;

    const el = mount({ 'site-key': env.siteKey, mode: 'inline' }); // no server attribute
    await waitForReady(el);
    await typeAndSend(el, 'Hello from a customer page');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the reply');
    expect(bubbles(el, 'character')[0]!.textContent!.trim(), 'a reply in words').to.not.equal('');
  });
});
