/**
 * `<tipsy-chat>` on the pages it meets: replies that arrive while the panel is closed,
 * several launchers on one page, hostile page styles, small containers.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import '../index.js';
import { TipsyMessageEvent, type TipsyUnreadEvent } from '../events.js';
import { $, bubbles, mount, shadow, testEnv, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';
import type { TipsyChat } from './tipsy-chat.js';

const bubbleOf = (el: TipsyChat) => $(el, '[part~=launcher]')!;
const centreOf = (node: Element): [number, number] => {
  const { left, top, width, height } = node.getBoundingClientRect();
  return [Math.round(left + width / 2), Math.round(top + height / 2)];
};

/** What the page's pointer meets at a point: the element, and inside its shadow root, the node. */
function hitAt([x, y]: [number, number]): { host: Element | null; inner: Element | null } {
  const host = document.elementFromPoint(x, y);
  return { host, inner: host?.shadowRoot?.elementFromPoint(x, y) ?? null };
}

describe('<tipsy-chat> on host pages', () => {
  let env: BrowserTestEnv;
  const added: Element[] = [];
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.querySelectorAll('tipsy-chat').forEach((el) => el.remove());
    added.splice(0).forEach((node) => node.remove());
  });

  it('counts a reply that arrives while the panel is closed, on the bubble, in its name and in tipsy-unread; opening clears it', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, character: 'guide', sound: true });
    const counts: number[] = [];
    el.addEventListener('tipsy-unread', (e: TipsyUnreadEvent) => counts.push(e.detail.count));
    el.open();
    await waitForReady(el);
    await typeAndSend(el, 'Tell me about the harbour');
    el.close();
    expect($(el, '[part~=badge]'), 'no badge for the visitor’s own message').to.not.exist;

    await waitUntil(() => $(el, '[part~=badge]'), 'the unread badge', { timeout: 8000 });
    expect($(el, '[part~=badge]')!.textContent).to.equal('1');
    expect(bubbleOf(el).getAttribute('aria-label')).to.equal('Open chat, 1 unread');
    expect(counts).to.deep.equal([1]);

    el.open();
    expect($(el, '[part~=badge]')).to.not.exist;
    expect(bubbleOf(el).getAttribute('aria-label')).to.equal('Close chat');
    expect(counts).to.deep.equal([1, 0]);
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the reply, shown');
  });

  it('counts nothing while the panel is open, nor the history shown when it opens', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, character: 'barkeep' });
    const counts: number[] = [];
    el.addEventListener('tipsy-unread', (e: TipsyUnreadEvent) => counts.push(e.detail.count));
    el.open();
    await waitForReady(el);
    await typeAndSend(el, 'A quick one');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the reply');
    el.remove();

    // A reload: the same conversation's history arrives, and none of it is unread.
    const again = mount({ 'site-key': env.siteKey, server: env.server, character: 'barkeep', open: true });
    again.addEventListener('tipsy-unread', (e: TipsyUnreadEvent) => counts.push(e.detail.count));
    await waitForReady(again);
    again.close();
    await new Promise((r) => setTimeout(r, 300));
    expect($(again, '[part~=badge]')).to.not.exist;
    expect(counts).to.deep.equal([]);
  });

  it('shows the count as 9+ past nine', () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server });
    // Ten replies announced by the chat while closed (as the chat announces each one it stores live).
    for (let i = 0; i < 10; i++) el.dispatchEvent(new TipsyMessageEvent({ sender_type: 'character' } as never));
    expect($(el, '[part~=badge]')!.textContent).to.equal('9+');
    expect(bubbleOf(el).getAttribute('aria-label')).to.equal('Open chat, 10 unread');
  });

  it('stacks several floating launchers: each bubble can be hit and opens its own panel above it', async () => {
    const first = mount({ 'site-key': env.siteKey, server: env.server });
    const second = mount({ 'site-key': env.siteKey, server: env.server, character: 'guide' });
    mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline' }).style.height = '300px';
    const [a, b] = [bubbleOf(first), bubbleOf(second)];
    expect(b.getBoundingClientRect().bottom, 'the second sits above the first').to.be.at.most(a.getBoundingClientRect().top);

    for (const [el, bubble] of [
      [first, a],
      [second, b],
    ] as const) {
      const hit = hitAt(centreOf(bubble));
      expect(hit.host).to.equal(el);
      expect(hit.inner?.closest('[part~=launcher]')).to.equal(bubble);
    }

    for (const [el, other] of [
      [first, second],
      [second, first],
    ] as const) {
      const bubbleTop = bubbleOf(el).getBoundingClientRect().top; // before the pointer grows it
      await sendMouse({ type: 'click', position: centreOf(bubbleOf(el)) });
      await waitUntil(() => $(el, '[part~=panel]'), 'its panel');
      expect(other.isOpen, 'the other stays closed').to.be.false;
      const panel = $(el, '[part~=panel]')!.getBoundingClientRect();
      expect(panel.bottom, 'the panel opens above its own bubble').to.be.at.most(bubbleTop);
      el.close();
    }

    await sendMouse({ type: 'move', position: [0, 0] }); // a hovered bubble grows
    // Keyboard: both bubbles take focus.
    a.focus();
    expect(shadow(first).activeElement).to.equal(a);
    b.focus();
    expect(shadow(second).activeElement).to.equal(b);

    // One removed: the other takes the first place.
    const firstPlace = getComputedStyle(a).bottom;
    first.remove();
    expect(getComputedStyle(b).bottom).to.equal(firstPlace);
    expect(second.style.getPropertyValue('--_lift'), 'the first launcher keeps no lift').to.equal('');
  });

  it('keeps its text as it was under a page’s `* { … !important }` rules', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline' });
    el.style.height = '400px';
    await waitForReady(el);
    const watched = ['[part~=log]', '.name', '[part~=input]'];
    const PROPERTIES = ['font-size', 'font-family', 'line-height', 'color', 'letter-spacing', 'text-transform'] as const;
    const read = () => watched.map((s) => PROPERTIES.map((p) => getComputedStyle($(el, s)!).getPropertyValue(p)));
    const before = read();
    expect(before[0]![0]).to.equal('15px');

    const style = document.createElement('style');
    style.textContent = `* { font-size: 30px !important; font-family: monospace !important; line-height: 3 !important;
      color: rgb(255, 0, 0) !important; letter-spacing: 5px !important; text-transform: uppercase !important; }`;
    added.push(document.head.appendChild(style));
    expect(getComputedStyle(document.body).fontSize, 'the page’s rule applies to the page').to.equal('30px');
    expect(read()).to.deep.equal(before);
  });

  it('fits an inline chat into a 240 px high container, composer included', async () => {
    const box = document.createElement('div');
    box.style.cssText = 'height: 240px; width: 320px; overflow: hidden';
    added.push(document.body.appendChild(box));
    const el = document.createElement('tipsy-chat');
    for (const [name, value] of Object.entries({ 'site-key': env.siteKey, server: env.server, mode: 'inline' })) el.setAttribute(name, value);
    box.append(el);
    await waitForReady(el);
    const container = box.getBoundingClientRect();
    expect(el.getBoundingClientRect().height).to.equal(240);
    for (const part of ['input', 'send', 'panel']) {
      const rect = $(el, `[part~=${part}]`)!.getBoundingClientRect();
      expect(rect.bottom, `${part} inside the container`).to.be.at.most(container.bottom + 0.5);
      expect(rect.height, `${part} shown`).to.be.above(0);
    }
    await typeAndSend(el, 'Fits?');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the reply');
    expect($(el, '[part~=input]')!.getBoundingClientRect().bottom).to.be.at.most(container.bottom + 0.5);
  });
});
