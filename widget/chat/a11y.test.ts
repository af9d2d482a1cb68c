/**
 * The chat for screen readers and keyboards: axe finds nothing in either theme, a reply is
 * announced once (never word by word, never the history at load), every message says who sent it,
 * and focus never falls to the page.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.js';
import { textOn } from './accent-contrast.js';
import { axeViolations } from '../../test/browser/axe.js';
import { recordAnnouncements } from '../../test/browser/live-regions.js';
import { $, $$, bubbles, mount, rendered, shadow, testEnv, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

describe('chat accessibility', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => document.querySelectorAll('tipsy-chat').forEach((el) => el.remove()));

  const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
  /** The panel rises in (fading from transparent): contrast is measured once it has. */
  const still = (el: Element) => Promise.all(shadow(el).getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished));

  it('the audit sees into shadow roots and fails where it should', async () => {
    const host = document.body.appendChild(document.createElement('div'));
    host.attachShadow({ mode: 'open' }).append(document.createElement('button'), Object.assign(document.createElement('p'), { textContent: 'faint', style: 'color:#ddd' }));
    try {
      const found = (await axeViolations(host)).map((v) => v.split(' ')[0]);
      expect(found).to.include.members(['button-name', 'color-contrast']);
    } finally {
      host.remove();
    }
  });

  for (const theme of ['light', 'dark']) {
    it(`axe finds no violation in the ${theme} theme: closed, open, inline, after a streamed reply`, async () => {
      const launcher = mount({ 'site-key': env.siteKey, server: env.server, theme, character: 'barkeep' });
      expect(await axeViolations(launcher), 'the closed launcher').to.deep.equal([]);
      launcher.open();
      await waitForReady(launcher);
      await still(launcher);
      expect(await axeViolations(launcher), 'the open panel').to.deep.equal([]);
      launcher.remove();

      const inline = mount({ 'site-key': env.siteKey, server: env.server, theme, mode: 'inline', character: 'guide' });
      await waitForReady(inline);
      expect(await axeViolations(inline), 'inline').to.deep.equal([]);
      await typeAndSend(inline, 'Where is the *old* harbour?');
      await waitUntil(() => bubbles(inline, 'character')[0]?.dataset.status === 'sent', 'the finished reply', { timeout: 5000 });
      expect(await axeViolations(inline), 'after a streamed reply').to.deep.equal([]);
    });
  }

  it('axe finds no violation with a light accent the character picked, nor with a dark one', async () => {
    for (const accent of ['#fde047', '#1e1b4b']) {
      const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', 'character-name': 'Sunny', theme: 'light' });
      await waitForReady(el);
      $(el, '[part~=panel]')!.style.setProperty('--_character-accent', accent);
      $(el, '[part~=panel]')!.style.setProperty('--_accent-fg', textOn(accent)); // as the chat sets it for a character's accent
      await typeAndSend(el, 'Hello');
      await waitUntil(() => bubbles(el, 'user')[0]?.dataset.status === 'sent', 'sent', { timeout: 5000 });
      expect(await axeViolations(el), accent).to.deep.equal([]);
      el.remove();
    }
  });

  it('announces a streamed reply once, whole, and never the history at load', async () => {
    const first = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'barkeep' });
    const atLoad = recordAnnouncements(shadow(first));
    await waitForReady(first);
    await waitUntil(() => $(first, '[part~=greeting]'), 'the greeting');
    await settle();
    expect(atLoad.announcements, 'the greeting, at load').to.deep.equal([]);

    await typeAndSend(first, 'Something with gin?');
    await waitUntil(() => bubbles(first, 'character')[0]?.dataset.status === 'streaming', 'streaming', { interval: 5 });
    await waitUntil(() => bubbles(first, 'character')[0]?.dataset.status === 'sent', 'the finished reply', { timeout: 5000 });
    await settle();
    atLoad.stop();
    const reply = bubbles(first, 'character')[0]!.querySelector('.text')!.textContent!;
    const texts = atLoad.announcements.map((a) => a.text);
    const replies = texts.filter((text) => text.includes(reply.slice(0, 12)) || reply.startsWith(text.split(': ').pop()!));
    expect(replies, `one announcement of the reply among ${JSON.stringify(texts)}`).to.deep.equal([`Barkeep <b>Bob</b>: ${reply}`]);
    expect(texts.length, 'the reply, and at most the character typing').to.be.at.most(2);
    for (const text of texts.filter((t) => !replies.includes(t))) expect(text).to.equal('Barkeep <b>Bob</b> is typing');
    first.remove();

    // Reloaded: the whole conversation is history now, and nothing of it is read out.
    const second = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'barkeep' });
    const reload = recordAnnouncements(shadow(second));
    await waitForReady(second);
    await waitUntil(() => bubbles(second, 'character').length === 1, 'the history', { timeout: 5000 });
    await settle();
    reload.stop();
    expect(reload.announcements).to.deep.equal([]);
  });

  it('says who sent every message, to screen readers only', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(el);
    await typeAndSend(el, 'Hello there');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the reply', { timeout: 5000 });
    const labels = $$(el, '[part~=message]').map((bubble) => bubble.previousElementSibling);
    expect(labels.map((label) => label?.textContent)).to.deep.equal(['You:', 'Guide:']);
    for (const label of labels) expect(label!.getBoundingClientRect().width, 'visually hidden').to.be.at.most(1);
    expect(bubbles(el, 'user')[0]!.textContent, 'the bubble itself holds the message alone').to.equal('Hello there');
  });

  it('gives focus back to the bubble when the panel closes, by Escape or by ×', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server });
    const launcher = $(el, '[part~=launcher]')!;
    launcher.focus();
    await sendKeys({ press: 'Enter' });
    await waitForReady(el);
    expect(shadow(el).activeElement).to.equal($(el, 'textarea'));
    const closedByEscape = oneEvent(el, 'tipsy-close');
    await sendKeys({ press: 'Escape' });
    await closedByEscape;
    expect(shadow(el).activeElement, 'after Escape').to.equal(launcher);
    expect(document.activeElement).to.equal(el);

    await sendKeys({ press: 'Enter' });
    await waitForReady(el);
    const close = $(el, '.header button:last-child')!;
    close.focus();
    const closedByButton = oneEvent(el, 'tipsy-close');
    await sendKeys({ press: 'Enter' });
    await closedByButton;
    expect(shadow(el).activeElement, 'after ×').to.equal(launcher);
  });

  it('gives focus to the composer after Stop', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(el);
    await typeAndSend(el, 'Tell me about the harbour');
    await waitUntil(() => $(el, '[part~=stop]'), 'the stop button', { interval: 5 });
    $(el, '[part~=stop]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !$(el, '[part~=stop]'), 'stopped', { timeout: 5000 });
    await rendered();
    expect(shadow(el).activeElement).to.equal($(el, 'textarea'));
  });

  it('announces a cooldown once, politely, while the countdown ticks outside any live region', async () => {
    const el = mount({ 'site-key': env.limitedSiteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(el);
    const recorder = recordAnnouncements(shadow(el));
    for (const text of ['one', 'two', 'three']) {
      await typeAndSend(el, text);
      await settle(50);
    }
    await waitUntil(() => $(el, '[part~=error]')?.dataset.code === 'RATE_LIMITED', 'rate limited', { timeout: 5000 });
    await settle(2200); // two ticks of the countdown
    recorder.stop();
    const cooldowns = recorder.announcements.filter((a) => /send again/.test(a.text));
    expect(cooldowns.map((a) => a.region.slice(0, 40)), 'one polite announcement').to.have.length(1);
    expect(cooldowns[0]!.region).to.contain('role="status"');
    expect($(el, '[part~=error]')!.getAttribute('role')).to.equal(null);
  });
});
