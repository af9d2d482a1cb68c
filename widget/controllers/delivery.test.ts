/**
 * Delivery as the visitor sees it, through a proxy the test can switch:
 * offline, Socket.IO blocked, or open.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import '../index.js';
import { $, bubbles, mount, setNetwork, testEnv, texts, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { TipsyReadyEvent } from '../events.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

const statuses = (el: Element) => bubbles(el, 'user').map((b) => b.dataset.status);
const connection = (el: Element) => $(el, '[part~=panel]')?.dataset.connection;

describe('delivery', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(async () => {
    localStorage.clear();
    await setNetwork('open');
  });
  afterEach(async () => {
    document.querySelectorAll('tipsy-chat').forEach((el) => el.remove());
    await setNetwork('open');
  });

  it('keeps messages typed offline as pending across a reload, then sends them in order, once', async () => {
    const attrs = { 'site-key': env.siteKey, server: env.proxiedServer, mode: 'inline', character: 'guide' } as const;
    const first = mount(attrs);
    await waitForReady(first);
    await setNetwork('offline');
    await waitUntil(() => connection(first) !== 'online', 'notices the connection is gone');
    await typeAndSend(first, 'written offline 1');
    await typeAndSend(first, 'written offline 2');
    await waitUntil(() => statuses(first).length === 2);
    expect(statuses(first)).to.deep.equal(['pending', 'pending']);
    first.remove();

    const second = mount(attrs); // the reload, still offline
    await waitUntil(() => texts(second, 'user').length === 2, 'the pending messages are shown again');
    expect(texts(second, 'user')).to.deep.equal(['written offline 1', 'written offline 2']);
    expect(statuses(second)).to.deep.equal(['pending', 'pending']);

    await setNetwork('open');
    await waitUntil(() => statuses(second).every((s) => s === 'sent'), 'sent when the network is back', { timeout: 12000 });
    await waitUntil(() => texts(second, 'character').length >= 1, 'and answered', { timeout: 8000 });
    second.remove();

    const third = mount(attrs); // history holds each exactly once, in order
    await waitForReady(third);
    expect(texts(third, 'user')).to.deep.equal(['written offline 1', 'written offline 2']);
  });

  it('shows the same conversation live in two tabs', async () => {
    const attrs = { 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'barkeep' } as const;
    const tabA = mount(attrs);
    await waitForReady(tabA);
    const tabB = mount(attrs);
    await waitForReady(tabB);
    await typeAndSend(tabA, 'Hello from tab A');
    await waitUntil(() => texts(tabB, 'user').includes('Hello from tab A'), 'tab B sees the message');
    await waitUntil(() => bubbles(tabB, 'character')[0]?.dataset.status === 'sent', 'and the reply');
    expect(texts(tabB, 'character')).to.deep.equal(texts(tabA, 'character'));
  });

  it('falls back to HTTP and polling when Socket.IO is blocked, says so, and upgrades when it can', async () => {
    await setNetwork('no-socket');
    const el = mount({ 'site-key': env.siteKey, server: env.proxiedServer, mode: 'inline', character: 'barkeep' });
    await waitUntil(() => connection(el) === 'fallback', 'fallback mode', { timeout: 8000 });
    expect($(el, '.presence')!.textContent).to.contain('Limited connection');
    await typeAndSend(el, 'Through the fallback');
    await waitUntil(() => statuses(el)[0] === 'sent', 'stored over HTTP');
    await waitUntil(() => texts(el, 'character').some((t) => t?.includes('know')), 'the reply arrives by polling', { timeout: 8000 });

    await setNetwork('open');
    await waitUntil(() => connection(el) === 'online', 'back on a socket', { timeout: 12000 });
  });

  it('after a drop, catches up on everything said meanwhile, in order, once', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.proxiedServer, mode: 'inline', character: 'guide' });
    const { conversationId } = ((await oneEvent(el, 'tipsy-ready')) as TipsyReadyEvent).detail;
    await waitForReady(el);
    await setNetwork('offline');
    await waitUntil(() => connection(el) !== 'online');
    // Another tab (straight to the server) keeps talking meanwhile.
    const token = Object.entries(localStorage).find(([k]) => k.includes(env.proxiedServer) && k.endsWith(':visitor'))![1];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${env.server}/trpc/message.send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ conversationId, content: `meanwhile ${i}`, clientMessageId: `meanwhile-${i}` }),
      });
      expect(res.ok).to.be.true;
    }
    await setNetwork('open');
    await waitUntil(() => texts(el, 'user').length === 20, 'all 20', { timeout: 12000 });
    expect(texts(el, 'user')).to.deep.equal(Array.from({ length: 20 }, (_, i) => `meanwhile ${i}`));
    expect(new Set(bubbles(el, 'user').map((b) => b.dataset.status))).to.deep.equal(new Set(['sent']));
  });
});
