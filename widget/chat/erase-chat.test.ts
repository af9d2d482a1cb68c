/**
 * "Delete this chat" through the real server: asked first in the panel, Cancel keeps everything,
 * Delete erases the conversation and shows a fresh one with the greeting (and a reload shows no
 * old message), by keyboard too; offered where the site allows no new conversations, starting
 * again as on a first visit; another tab still in the erased conversation starts over on its
 * next call; axe finds nothing wrong with the question.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.js';
import type { TipsyConversationEvent, TipsyReadyEvent } from '../events.js';
import { axeViolations } from '../../test/browser/axe.js';
import { $, bubbles, mount, shadow, talked, testEnv, texts, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

const question = (el: Element) => $(el, '[part~=delete-question]');
const focused = (el: Element) => shadow(el).activeElement;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Delete this chat', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => document.querySelectorAll('tipsy-chat').forEach((el) => el.remove()));

  const barkeep = (extra: Record<string, string> = {}) => mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'barkeep', ...extra });


  /** What the server answers this page's visitor for the conversation's history: its error code, or 'found'. */
  async function historyOf(siteKey: string, conversationId: string): Promise<string> {
    const token = localStorage.getItem(`tipsy-chat:v1:${env.server}:${siteKey}:visitor`);
    const input = encodeURIComponent(JSON.stringify({ conversationId }));
    const response = await fetch(`${env.server}/trpc/conversation.history?input=${input}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { error?: { data: { errorCode: string } } };
    return body.error?.data.errorCode ?? 'found';
  }

  it('asks first: Cancel keeps the conversation; Delete erases it and shows a fresh one with the greeting, and a reload shows no old message', async () => {
    const el = barkeep();
    const { conversationId: first } = ((await oneEvent(el, 'tipsy-ready')) as TipsyReadyEvent).detail;
    await talked(el, 'Forget the gin I ordered');
    const fetched = () => performance.getEntriesByType('resource').filter((r) => /conversation-list|erase-chat/.test(r.name)).length;
    const before = fetched();

    $(el, '[part~=delete-chat]')!.click();
    await waitUntil(() => question(el), 'the question');
    expect(fetched(), 'its module fetched when first asked for').to.be.greaterThan(before);
    expect(question(el)!.textContent).to.contain('Delete this chat and all its messages for good?');
    expect(focused(el), 'Cancel, so a stray Enter erases nothing').to.equal($(el, '[part~=delete-cancel]'));
    expect($(el, '[part~=log]')!.hidden, 'the messages still show').to.equal(false);

    $(el, '[part~=delete-cancel]')!.click();
    await waitUntil(() => !question(el), 'the question gone');
    expect(focused(el), 'focus back on the header button').to.equal($(el, '[part~=delete-chat]'));
    await pause(200);
    expect(texts(el, 'user')).to.deep.equal(['Forget the gin I ordered']);
    expect(await historyOf(env.siteKey, first), 'nothing erased').to.equal('found');

    $(el, '[part~=delete-chat]')!.click();
    await waitUntil(() => question(el));
    const moved = oneEvent(el, 'tipsy-conversation') as Promise<TipsyConversationEvent>;
    $(el, '[part~=delete-confirm]')!.click();
    const { conversationId: fresh } = (await moved).detail;
    expect(fresh).to.not.equal(first);
    await waitUntil(() => $(el, '[part~=greeting]') && $(el, '.presence')?.textContent === 'Online', 'the fresh conversation, live');
    expect(texts(el, 'user'), 'the old messages are gone').to.deep.equal([]);
    expect(bubbles(el, 'character')).to.deep.equal([]);
    expect(focused(el), 'the visitor writes next').to.equal($(el, 'textarea'));
    expect(await historyOf(env.siteKey, first), 'erased on the server').to.equal('NOT_FOUND');
    el.remove();

    const reloaded = barkeep();
    expect(((await oneEvent(reloaded, 'tipsy-ready')) as TipsyReadyEvent).detail.conversationId).to.equal(fresh);
    await waitForReady(reloaded);
    expect($(reloaded, '[part~=greeting]')).to.not.equal(null);
    expect(texts(reloaded, 'user')).to.deep.equal([]);
    $(reloaded, '[part~=chats-button]')!.click();
    await waitUntil(() => shadow(reloaded).querySelectorAll('[part~=conversation]').length === 1, 'the erased one is not listed');
  });

  it('works by keyboard alone: Enter asks, Escape cancels, Shift+Tab reaches Delete, Enter erases', async () => {
    const el = barkeep();
    await talked(el, 'By keyboard, then gone');
    $(el, '[part~=delete-chat]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused(el) === $(el, '[part~=delete-cancel]'), 'focus on Cancel');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !question(el), 'Escape cancels');
    expect(el.isConnected && $(el, '[part~=panel]'), 'and closes nothing else').to.not.equal(null);
    expect(focused(el)).to.equal($(el, '[part~=delete-chat]'));
    expect(texts(el, 'user')).to.deep.equal(['By keyboard, then gone']);

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused(el) === $(el, '[part~=delete-cancel]'));
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(focused(el)).to.equal($(el, '[part~=delete-confirm]'));
    const moved = oneEvent(el, 'tipsy-conversation');
    await sendKeys({ press: 'Enter' });
    await moved;
    await waitUntil(() => $(el, '[part~=greeting]') && focused(el) === $(el, 'textarea'), 'the fresh conversation, the composer focused');
    expect(texts(el, 'user')).to.deep.equal([]);
  });

  it('is offered where the site allows no new conversations, and starts again as on a first visit', async () => {
    const el = mount({ 'site-key': env.singleConversationSiteKey, server: env.server, mode: 'inline', character: 'guide' });
    const { conversationId: first } = ((await oneEvent(el, 'tipsy-ready')) as TipsyReadyEvent).detail;
    await talked(el, 'Which museum first?');
    expect($(el, '[part~=new-chat]')).to.equal(null);
    $(el, '[part~=delete-chat]')!.click();
    await waitUntil(() => question(el));
    const moved = oneEvent(el, 'tipsy-conversation') as Promise<TipsyConversationEvent>;
    $(el, '[part~=delete-confirm]')!.click();
    const { conversationId: next } = (await moved).detail;
    expect(next).to.not.equal(first);
    await waitForReady(el);
    expect(texts(el, 'user')).to.deep.equal([]);
    expect(bubbles(el, 'character')).to.deep.equal([]);
    expect(await historyOf(env.singleConversationSiteKey, first)).to.equal('NOT_FOUND');
    // The visitor's one conversation is a fresh one, written to as before.
    await talked(el, 'Starting over');
    el.remove();
    const reloaded = mount({ 'site-key': env.singleConversationSiteKey, server: env.server, mode: 'inline', character: 'guide' });
    expect(((await oneEvent(reloaded, 'tipsy-ready')) as TipsyReadyEvent).detail.conversationId).to.equal(next);
    await waitUntil(() => texts(reloaded, 'user').join('|') === 'Starting over', 'only what came after');
  });

  it('another tab still in the erased conversation starts over on its next call', async () => {
    const tabA = barkeep();
    await talked(tabA, 'Two tabs, one conversation');
    const tabB = barkeep();
    await waitForReady(tabB);
    await waitUntil(() => texts(tabB, 'user').includes('Two tabs, one conversation'), 'tab B shows it too');

    const moved = oneEvent(tabA, 'tipsy-conversation') as Promise<TipsyConversationEvent>;
    $(tabA, '[part~=delete-chat]')!.click();
    await waitUntil(() => question(tabA));
    $(tabA, '[part~=delete-confirm]')!.click();
    const { conversationId: fresh } = (await moved).detail;

    // Tab B learns the conversation is gone when it next asks (NOT_FOUND), and starts over where the server opens.
    const startedOver = oneEvent(tabB, 'tipsy-conversation') as Promise<TipsyConversationEvent>;
    await typeAndSend(tabB, 'Are you still there?');
    expect((await startedOver).detail.conversationId).to.equal(fresh);
    await waitUntil(() => $(tabB, '[part~=greeting]') && $(tabB, '.presence')?.textContent === 'Online', 'tab B in the fresh conversation');
    expect(texts(tabB, 'user'), 'nothing of the erased one').to.deep.equal([]);
    await talked(tabB, 'Now in the fresh one');
  });

  for (const theme of ['light', 'dark']) {
    it(`axe finds no violation with the question open, in the ${theme} theme`, async () => {
      const el = barkeep({ theme });
      await talked(el, 'Anything');
      $(el, '[part~=delete-chat]')!.click();
      await waitUntil(() => question(el), 'the question');
      expect(await axeViolations(el)).to.deep.equal([]);
    });
  }
});
