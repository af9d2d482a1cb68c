/**
 * The demo site's characters, with no model configured: the simulated
 * characters answer the demo site's facts from their lorebooks
 * (server/demo-seed.ts, consistent with demo/index.html), and say plainly
 * when they do not know, without repeating the question.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../index.js';
import { bubbles, mount, testEnv, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { TipsyChat } from './tipsy-chat.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

describe('the demo characters answer the demo site’s questions', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => document.querySelectorAll('tipsy-chat').forEach((el) => el.remove()));

  const chatWith = async (character: string): Promise<TipsyChat> => {
    const el = mount({ 'site-key': env.demoSiteKey, server: env.server, mode: 'inline', character });
    await waitForReady(el);
    return el;
  };

  /** Asks in the chat and resolves with the finished reply's text. */
  const ask = async (el: TipsyChat, question: string): Promise<string> => {
    const before = bubbles(el, 'character').length;
    await typeAndSend(el, question);
    await waitUntil(() => bubbles(el, 'character')[before]?.dataset.status === 'sent', `the answer to "${question}"`, { timeout: 5000 });
    return bubbles(el, 'character')[before]!.querySelector('.text')!.textContent!;
  };

  const expectFacts = (reply: string, facts: string[]) => {
    for (const fact of facts) expect(reply, `"${fact}" in: ${reply}`).to.contain(fact);
  };

  it('Juniper, the guide: where the tour starts, how long it takes, what it costs, whether it is step-free', async () => {
    const el = await chatWith('juniper');
    expectFacts(await ask(el, 'Where does the tour start?'), ['lighthouse steps', 'Saturday at 4 pm']);
    expectFacts(await ask(el, 'How long is the tour?'), ['90 minutes']);
    expectFacts(await ask(el, 'How much does it cost?'), ['15 per adult']);
    expectFacts(await ask(el, 'Is it wheelchair accessible?'), ['step-free']);
  });

  it('Marlowe, the bartender: opening hours, a drink on the menu, happy hour', async () => {
    const el = await chatWith('marlowe');
    expectFacts(await ask(el, 'What time do you open?'), ['5 pm']);
    expectFacts(await ask(el, 'What is in a Foxglove Sour?'), ['rye', 'blackberry', '13']);
    expectFacts(await ask(el, 'When is happy hour?'), ['5 to 7 pm']);
  });

  it('Captain Grog: the game’s quests and what it costs to play', async () => {
    const el = await chatWith('captain-grog');
    expectFacts(await ask(el, 'What quests are there?'), ['Bottle Cap Hunt', "Parrot's Riddle", 'Lost Map']);
    expectFacts(await ask(el, 'How much does the game cost?'), ['free to play']);
  });

  it('an unknown question gets a plain “don’t know”, not the question echoed back', async () => {
    const el = await chatWith('juniper');
    const reply = await ask(el, 'What is the capital of Peru?');
    expect(reply).to.contain('know');
    expect(reply).to.not.contain('Peru');
    expect(reply).to.not.contain('capital');
  });
});
