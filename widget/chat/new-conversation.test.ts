/**
 * New conversations through the real server: "New chat" opens one with the greeting, the list of
 * the visitor's conversations (fetched as a module of its own) reopens an earlier one with its
 * history, a reload comes back to the one last written to, by keyboard too; a site that keeps one
 * conversation per visitor shows no such action.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.js';
import type { TipsyConversationEvent, TipsyReadyEvent } from '../events.js';
import { axeViolations } from '../../test/browser/axe.js';
import { $, $$, bubbles, mount, shadow, talked, testEnv, texts, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

const listed = (el: Element) => $$(el, '[part~=conversation]');

describe('new conversations', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => document.querySelectorAll('tipsy-chat').forEach((el) => el.remove()));

  const barkeep = (extra: Record<string, string> = {}) => mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'barkeep', ...extra });


  it('starts a new conversation with the greeting, lists the earlier one, reopens it, and a reload follows the last written to', async () => {
    const el = barkeep();
    const { conversationId: first } = ((await oneEvent(el, 'tipsy-ready')) as TipsyReadyEvent).detail;
    await talked(el, 'One gin and tonic');

    // The conversations' module is fetched on demand: not until the visitor reaches for it.
    // The module itself, counted once (from source, its styles are a file of their own beside it).
    const fetched = () => performance.getEntriesByType('resource').filter((r) => /\/conversation-list(\.ts|-[\w-]+\.mjs)/.test(r.name)).length;
    expect(fetched()).to.equal(0);
    const moved = oneEvent(el, 'tipsy-conversation') as Promise<TipsyConversationEvent>;
    $(el, '[part~=new-chat]')!.click();
    const { conversationId: second } = (await moved).detail;
    expect(second).to.not.equal(first);
    await waitUntil(() => $(el, '[part~=greeting]') && $(el, '.presence')?.textContent === 'Online', 'the new conversation, live');
    expect(texts(el, 'user'), 'nothing written in it yet').to.deep.equal([]);
    expect(bubbles(el, 'character')).to.deep.equal([]);
    expect(shadow(el).activeElement, 'the visitor writes next').to.equal($(el, 'textarea'));

    expect(fetched()).to.equal(1);
    $(el, '[part~=chats-button]')!.click();
    await waitUntil(() => listed(el).length === 2, 'both conversations listed');
    expect($(el, '[part~=log]')!.hidden, 'in place of the messages').to.equal(true);
    expect($(el, '[part~=chats-button]')!.getAttribute('aria-expanded')).to.equal('true');
    const [newest, earlier] = listed(el);
    expect(newest!.getAttribute('aria-current'), 'the one shown').to.equal('true');
    expect(earlier!.getAttribute('aria-current')).to.equal(null);
    expect(earlier!.textContent).to.contain(texts(el, 'character').at(-1) ?? '');
    expect(earlier!.querySelector('time')!.textContent, 'when, in words (Intl)').to.match(/now|minute|second/);

    const back = oneEvent(el, 'tipsy-conversation') as Promise<TipsyConversationEvent>;
    earlier!.click();
    expect((await back).detail.conversationId).to.equal(first);
    await waitUntil(() => texts(el, 'user').includes('One gin and tonic'), 'its history is back');
    expect($(el, '[part~=log]')!.hidden).to.equal(false);
    await waitUntil(() => $(el, '.presence')?.textContent === 'Online', 'live again');
    el.remove();

    // Reloaded: the conversation with the latest activity is the new one (its greeting came last)…
    const reloaded = barkeep();
    expect(((await oneEvent(reloaded, 'tipsy-ready')) as TipsyReadyEvent).detail.conversationId).to.equal(second);
    // …until the earlier one is written to again.
    await waitForReady(reloaded);
    $(reloaded, '[part~=chats-button]')!.click();
    await waitUntil(() => listed(reloaded).length === 2, 'listed after a reload');
    listed(reloaded)[1]!.click();
    await talked(reloaded, 'Another, please');
    reloaded.remove();
    const again = barkeep();
    expect(((await oneEvent(again, 'tipsy-ready')) as TipsyReadyEvent).detail.conversationId).to.equal(first);
    await waitUntil(() => texts(again, 'user').join('|') === 'One gin and tonic|Another, please', 'its whole history');
  });

  it('keeps each conversation live on its own in two tabs', async () => {
    const tabA = barkeep();
    await talked(tabA, 'Tab A was here');
    const tabB = barkeep();
    await waitForReady(tabB);
    $(tabB, '[part~=new-chat]')!.click();
    await oneEvent(tabB, 'tipsy-conversation');
    await waitForReady(tabB);
    await talked(tabB, 'Tab B starts over');
    await typeAndSend(tabA, 'Still here in A');
    await waitUntil(() => texts(tabA, 'user').includes('Still here in A') && bubbles(tabA, 'user').every((b) => b.dataset.status === 'sent'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(texts(tabB, 'user'), 'tab B sees only its own conversation').to.deep.equal(['Tab B starts over']);
    expect(texts(tabA, 'user')).to.deep.equal(['Tab A was here', 'Still here in A']);
  });

  it('works by keyboard alone: open the list, reopen a conversation, Escape closes the list', async () => {
    const el = barkeep();
    await talked(el, 'By keyboard');
    $(el, '[part~=new-chat]')!.focus();
    await sendKeys({ press: 'Enter' });
    await oneEvent(el, 'tipsy-conversation');
    await waitForReady(el);

    $(el, '[part~=chats-button]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => shadow(el).activeElement === $(el, '[part~=conversations]'), 'focus on the list');
    await waitUntil(() => listed(el).length === 2);
    await sendKeys({ press: 'Escape' });
    expect($(el, '[part~=conversations]'), 'closed').to.equal(null);
    expect(shadow(el).activeElement, 'focus back on its button').to.equal($(el, '[part~=chats-button]'));

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => listed(el).length === 2);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(shadow(el).activeElement).to.equal(listed(el)[1]);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => texts(el, 'user').includes('By keyboard'), 'reopened');
    expect(shadow(el).activeElement, 'the visitor writes next').to.equal($(el, 'textarea'));
  });

  for (const theme of ['light', 'dark']) {
    it(`axe finds no violation with the header actions and the list open, in the ${theme} theme`, async () => {
      const el = barkeep({ theme });
      await talked(el, 'Anything');
      expect(await axeViolations(el), 'the header actions').to.deep.equal([]);
      $(el, '[part~=chats-button]')!.click();
      await waitUntil(() => listed(el).length >= 1, 'the list');
      expect(await axeViolations(el), 'the list').to.deep.equal([]);
    });
  }

  it('shows no such action where the site keeps one conversation per visitor', async () => {
    const el = mount({ 'site-key': env.singleConversationSiteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(el);
    expect($(el, '[part~=new-chat]')).to.equal(null);
    expect($(el, '[part~=chats-button]')).to.equal(null);
    // Where the site does allow it, the same chat offers both.
    const allowed = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(allowed);
    expect($(allowed, '[part~=new-chat]')).to.not.equal(null);
    expect($(allowed, '[part~=chats-button]')).to.not.equal(null);
  });
});
