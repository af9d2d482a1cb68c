/**
 * The versions of the last message, through the real server: a reply written again streams in as a
 * second version, ‹ › move between versions, the choice holds across a reload and reaches another
 * tab, a greeting's alternates can be swiped before the first message, by keyboard too.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.js';
import { axeViolations } from '../../test/browser/axe.js';
import { recordAnnouncements } from '../../test/browser/live-regions.js';
import { $, $$, bubbles, mount, rendered, shadow, testEnv, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

/** The ‹ n/m › counter under the last message, as shown ('' when there is none). */
const counter = (el: Element) => $(el, '[part~=versions] [aria-hidden]')?.textContent ?? '';
const control = (el: Element, part: string) => $<HTMLButtonElement>(el, `[part~=${part}]`);
const lastText = (el: Element) => $$(el, '[part~=message]').at(-1)!.querySelector('.text')!.textContent!;
const lastStatus = (el: Element) => $$(el, '[part~=message]').at(-1)!.dataset.status;
const shiftTab = async () => {
  await sendKeys({ down: 'Shift' });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ up: 'Shift' });
};
const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

describe('swipes and regenerate', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => document.querySelectorAll('tipsy-chat').forEach((el) => el.remove()));

  const chatWith = (character: string, extra: Record<string, string> = {}) =>
    mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character, ...extra });

  /** Sends a message and waits for the whole reply: the last message can then be written again. */
  async function replied(el: Element, text: string): Promise<void> {
    await waitForReady(el);
    await typeAndSend(el, text);
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the reply', { timeout: 5000 });
    await waitUntil(() => control(el, 'regenerate')?.getAttribute('aria-disabled') === 'false', 'regenerate offered');
  }

  it('regenerates: a second version streams in, ‹ › move between them, and the choice survives a reload', async () => {
    const el = chatWith('guide');
    await replied(el, 'Where is the harbour?');
    const first = lastText(el);
    expect(counter(el), 'one version: no counter').to.equal('');
    expect(control(el, 'version-previous')).to.equal(null);

    control(el, 'regenerate')!.click();
    await waitUntil(() => lastStatus(el) === 'streaming', 'the new version streams', { interval: 5 });
    expect(control(el, 'regenerate'), 'no controls while it streams').to.equal(null);
    await waitUntil(() => lastStatus(el) === 'sent' && counter(el) === '2/2', 'the second version, finished', { timeout: 5000 });
    expect(bubbles(el, 'character'), 'still one reply').to.have.length(1);
    expect($(el, '[part~=versions] [role=status]')!.textContent).to.equal('Version 2 of 2');

    control(el, 'version-previous')!.click();
    await waitUntil(() => counter(el) === '1/2', 'back to the first');
    expect(lastText(el)).to.equal(first);
    expect(control(el, 'version-previous')!.getAttribute('aria-disabled'), 'nothing before the first').to.equal('true');
    el.remove();

    const reloaded = chatWith('guide');
    await waitForReady(reloaded);
    await waitUntil(() => counter(reloaded) === '1/2', 'the chosen version, with its versions, after a reload');
    expect(lastText(reloaded)).to.equal(first);
    expect(bubbles(reloaded, 'character')).to.have.length(1);
  });

  it('shows the change in another tab: a new version, then another one chosen', async () => {
    const tabA = chatWith('guide');
    await replied(tabA, 'Tell me about the old town');
    const tabB = chatWith('guide');
    await waitForReady(tabB);
    await waitUntil(() => bubbles(tabB, 'character')[0]?.dataset.status === 'sent', 'tab B has the reply');

    control(tabA, 'regenerate')!.click();
    await waitUntil(() => counter(tabB) === '2/2' && lastStatus(tabB) === 'sent', 'tab B gets the new version', { timeout: 5000 });
    expect(bubbles(tabB, 'character'), 'in place of the reply, not beside it').to.have.length(1);
    expect(lastText(tabB)).to.equal(lastText(tabA));

    await waitUntil(() => control(tabA, 'version-previous')?.getAttribute('aria-disabled') === 'false');
    control(tabA, 'version-previous')!.click();
    await waitUntil(() => counter(tabB) === '1/2', 'tab B follows the choice');
  });

  it('swipes a greeting through its alternates before the first message, and fixes it once the visitor writes', async () => {
    const el = chatWith('host');
    await waitForReady(el);
    await waitUntil(() => counter(el) === '1/3', 'the greeting, one of three');
    expect(control(el, 'regenerate'), 'a greeting is swiped, not written again').to.equal(null);
    const greetings = [lastText(el)];
    for (const expected of ['2/3', '3/3']) {
      control(el, 'version-next')!.click();
      await waitUntil(() => counter(el) === expected, expected);
      greetings.push(lastText(el));
    }
    expect(new Set(greetings).size, 'three different greetings').to.equal(3);
    expect(greetings).to.include.members(['Welcome in!', 'Good evening.', 'Back again?']);
    expect($(el, '[part~=greeting]'), 'still the greeting').to.not.equal(null);

    await typeAndSend(el, 'Hello');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the reply', { timeout: 5000 });
    expect($(el, '[part~=greeting] + [part~=versions]'), 'no controls on the greeting now').to.equal(null);
    expect($(el, '[part~=greeting] .text')!.textContent).to.equal(greetings[2]);
  });

  it('works by keyboard alone, keeps focus in the chat, and announces the new version once', async () => {
    const el = chatWith('guide');
    await replied(el, 'What is there to eat?');
    const regenerate = control(el, 'regenerate')!;
    regenerate.focus();
    const recorder = recordAnnouncements(shadow(el));
    await sendKeys({ press: 'Enter' });
    await rendered();
    expect(shadow(el).activeElement, 'focus goes to the composer while it streams').to.equal($(el, 'textarea'));
    await waitUntil(() => counter(el) === '2/2' && lastStatus(el) === 'sent', 'the second version', { timeout: 5000 });
    await settle();
    recorder.stop();
    // The simulated character writes the same words again: the polite region may already hold them.
    const said = recorder.announcements.map((a) => a.text).filter((text) => text.startsWith('Guide: '));
    expect(said.length, 'never word by word').to.be.at.most(1);
    const region = $$(el, '.panel > [role=status]')[0]!;
    expect(region.textContent, 'the new version, whole').to.equal(`Guide: ${lastText(el)}`);

    // Back from the composer: Regenerate, then ›, then ‹ (document order).
    await shiftTab();
    expect(shadow(el).activeElement).to.equal(control(el, 'regenerate'));
    await shiftTab();
    expect(shadow(el).activeElement).to.equal(control(el, 'version-next'));
    await shiftTab();
    expect(shadow(el).activeElement).to.equal(control(el, 'version-previous'));
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => counter(el) === '1/2', 'the first version, by keyboard');
    expect(shadow(el).activeElement, 'focus stays on the button').to.equal(control(el, 'version-previous'));
  });

  it('offers the controls disabled while the browser is offline', async () => {
    const el = chatWith('guide');
    await replied(el, 'Is the museum open?');
    window.dispatchEvent(new Event('offline'));
    try {
      await waitUntil(() => control(el, 'regenerate')!.getAttribute('aria-disabled') === 'true', 'disabled offline');
      control(el, 'regenerate')!.click();
      await settle(200);
      expect(lastStatus(el), 'nothing asked').to.equal('sent');
    } finally {
      window.dispatchEvent(new Event('online'));
    }
    await waitUntil(() => control(el, 'regenerate')!.getAttribute('aria-disabled') === 'false', 'offered again online');
  });

  for (const theme of ['light', 'dark']) {
    it(`axe finds no violation with the controls in the ${theme} theme`, async () => {
      const el = chatWith('guide', { theme });
      await replied(el, 'Any tips?');
      control(el, 'regenerate')!.click();
      await waitUntil(() => counter(el) === '2/2' && lastStatus(el) === 'sent', 'two versions', { timeout: 5000 });
      expect(await axeViolations(el)).to.deep.equal([]);
      const greeted = chatWith('host', { theme });
      await waitUntil(() => counter(greeted) === '1/3', 'a greeting with alternates');
      expect(await axeViolations(greeted)).to.deep.equal([]);
    });
  }
});
