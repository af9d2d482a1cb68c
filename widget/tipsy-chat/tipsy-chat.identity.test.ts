import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import '../index.js';
import type { TipsyErrorEvent } from '../events.js';
import { $, bubbles, mount, testEnv, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

/** What a host site's server computes: hex HMAC-SHA256 of the user id under the identity secret. */
async function userHash(secret: string, userId: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(userId));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('<tipsy-chat> with a verified user', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => document.querySelectorAll('tipsy-chat').forEach((el) => el.remove()));

  it('follows the user to another browser (no shared storage)', async () => {
    const userId = `user-${Date.now()}`;
    const attrs = { 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide', 'user-id': userId, 'user-hash': await userHash(env.identitySecret, userId), 'user-name': 'Ada' } as const;
    const laptop = mount(attrs);
    await waitForReady(laptop);
    await typeAndSend(laptop, 'Saved for later');
    await waitUntil(() => bubbles(laptop, 'character')[0]?.dataset.status === 'sent');
    laptop.remove();

    localStorage.clear(); // another browser: nothing stored
    const phone = mount(attrs);
    await waitForReady(phone);
    expect(bubbles(phone, 'user').map((b) => b.querySelector('.text')!.textContent)).to.deep.equal(['Saved for later']);
  });

  it('refuses a wrong user-hash in words, and never opens an anonymous chat instead', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', 'user-id': 'user-1', 'user-hash': await userHash('wrong-secret', 'user-1') });
    let ready = false;
    el.addEventListener('tipsy-ready', () => (ready = true));
    const { detail } = (await oneEvent(el, 'tipsy-error')) as TipsyErrorEvent;
    expect(detail.code).to.equal('IDENTITY_REJECTED');
    await waitUntil(() => $(el, '[part~=error]'), 'the error notice');
    expect($(el, '[part~=error]')!.textContent).to.contain('We could not confirm who you are');
    expect($(el, '.presence')!.textContent).to.equal('Unavailable');
    expect(ready).to.be.false;
  });

  it('refuses a user-id without a user-hash', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', 'user-id': 'user-1' });
    const { detail } = (await oneEvent(el, 'tipsy-error')) as TipsyErrorEvent;
    expect(detail.code).to.equal('IDENTITY_REJECTED');
  });
});
