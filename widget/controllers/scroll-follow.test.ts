import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import '../index.js';
import { $, bubbles, mount, rendered, seedMessages, testEnv } from '../../test/browser/page-helpers.js';
import type { TipsyReadyEvent } from '../events.js';

describe('the message log', () => {
  it('loads earlier pages at the top, keeps the reader’s place, and follows new messages only at the bottom', async () => {
    const env = await testEnv();
    localStorage.clear();
    // A first visit creates the conversation; then it gets 80 older messages and a reload.
    const first = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    const { conversationId } = ((await oneEvent(first, 'tipsy-ready')) as TipsyReadyEvent).detail;
    first.remove();
    await seedMessages(conversationId, 80);

    const holder = document.createElement('div');
    holder.style.height = '400px';
    document.body.append(holder);
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    holder.append(el);
    await oneEvent(el, 'tipsy-ready');
    await rendered();
    const log = $(el, '[part~=log]')!;
    const texts = () => [...bubbles(el, 'user'), ...bubbles(el, 'character')].map((b) => b.textContent!.trim());
    expect(texts()).to.have.length(30);
    await waitUntil(() => log.scrollHeight - log.scrollTop - log.clientHeight < 2, 'starts at the newest message');

    // Scroll to the top: the page before loads, and the line that was on top stays in view.
    const topLine = bubbles(el, 'user').concat(bubbles(el, 'character')).find((b) => b.textContent!.includes('seeded 50'))!;
    log.scrollTop = 0;
    await waitUntil(() => texts().length === 60, 'the previous page');
    await rendered();
    const logBox = log.getBoundingClientRect();
    const lineBox = topLine.getBoundingClientRect();
    expect(lineBox.top).to.be.within(logBox.top - 5, logBox.bottom);

    // Scrolled up: a new message does not pull the view down.
    const before = log.scrollTop;
    await el.send('a new one while reading');
    const answered = () => bubbles(el, 'character').filter((b) => !b.textContent!.includes('seeded') && b.dataset.status === 'sent').length;
    await waitUntil(() => answered() === 1, 'the reply');
    expect(log.scrollTop).to.equal(before);

    // Back at the bottom: the view follows again.
    log.scrollTop = log.scrollHeight;
    log.dispatchEvent(new Event('scroll'));
    await el.send('and another');
    await waitUntil(() => answered() === 2, 'the second reply');
    await rendered();
    expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.below(2);
  });
});
