/**
 * Live takeover, as the visitor sees it, through the real server: while a person answers in the
 * character's place, the header says who (and that they are a person), their messages carry their
 * name (as text, whatever it holds), the character stays quiet, and a tab opened meanwhile knows it
 * too; handed back, the character answers again.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import '../index.js';
import { axeViolations } from '../../test/browser/axe.js';
import { TEST_ROUTES } from '../../test/browser/routes.js';
import { $, $$, bubbles, mount, talked, testEnv, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';
import type { TipsyReadyEvent } from '../events.js';

/** What the site's owner does through the admin API. */
async function owner(action: 'takeOver' | 'reply' | 'typing' | 'release', input: Record<string, string | boolean>): Promise<void> {
  const response = await fetch(`${TEST_ROUTES.owner}?${new URLSearchParams({ action, input: JSON.stringify(input) })}`);
  const body = (await response.json()) as { error?: unknown };
  if (body.error) throw new Error(`${action}: ${JSON.stringify(body.error)}`);
}

const presence = (el: Element) => $(el, '.presence')?.textContent ?? '';
const agentBubbles = (el: Element) => $$(el, '[part~=message-agent]');
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a person answering in the character’s place', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => document.querySelectorAll('tipsy-chat').forEach((el) => el.remove()));

  it('shows the person’s name and that a person answers, keeps the character quiet, then hands back', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    const { conversationId } = ((await oneEvent(el, 'tipsy-ready')) as TipsyReadyEvent).detail;
    await talked(el, 'Is the museum open today?');
    const name = 'Sam <img src=x onerror="window.__agentPwned=1">';

    await owner('takeOver', { conversationId, name });
    await waitUntil(() => presence(el) === `${name} (a person) is answering`, 'the header says a person answers', { timeout: 5000 });

    // The person typing: dots and a spoken "is typing" under their name, but nothing to stop.
    await owner('typing', { conversationId, typing: true });
    await waitUntil(() => $(el, '[part~=typing]') !== null, 'the person’s typing shows');
    expect($(el, '[part~=stop]'), 'a person’s typing is no reply to stop').to.equal(null);
    await owner('reply', { conversationId, content: 'Hi, Sam from the front desk here: open until six.' });
    await waitUntil(() => agentBubbles(el).length === 1, 'the person’s message', { timeout: 5000 });
    const bubble = agentBubbles(el)[0]!;
    expect(bubble.querySelector('[part~=agent-name]')!.textContent).to.equal(name);
    expect(bubble.querySelector('.text')!.textContent).to.equal('Hi, Sam from the front desk here: open until six.');
    await waitUntil(() => $(el, '[part~=typing]') === null, 'their message ends their typing');
    // Who said it, for screen readers: the person's name, as for any message.
    expect(bubble.previousElementSibling!.textContent).to.equal(`${name}:`);
    expect((window as { __agentPwned?: number }).__agentPwned, 'a name is text, never markup').to.equal(undefined);
    expect(await axeViolations(el)).to.deep.equal([]);

    // The visitor answers the person: stored and shown, and no character reply follows.
    const repliesBefore = bubbles(el, 'character').length;
    await typeAndSend(el, 'Thanks, and on Sunday?');
    await waitUntil(() => $$(el, '[part~=message-user]').at(-1)?.dataset.status === 'sent', 'the visitor’s message stored');
    await settle(600); // the simulated character answers within ~100 ms here: it would have begun
    expect(bubbles(el, 'character'), 'the character stays quiet').to.have.length(repliesBefore);

    // A second tab, opened now, learns who answers when it joins.
    const other = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitUntil(() => presence(other) === `${name} (a person) is answering`, 'the other tab knows', { timeout: 8000 });
    expect(agentBubbles(other)).to.have.length(1);

    await owner('release', { conversationId });
    await waitUntil(() => presence(el) === 'Online' && presence(other) === 'Online', 'handed back, in both tabs', { timeout: 5000 });
    await waitForReady(el);
    await typeAndSend(el, 'And the gardens?');
    await waitUntil(() => bubbles(el, 'character').length === repliesBefore + 1, 'the character answers again', { timeout: 5000 });
    expect(agentBubbles(el), 'the person’s message stays in the history').to.have.length(1);
  });

  it('counts a person’s message that arrives while the panel is closed, as a reply', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, character: 'guide' });
    el.open();
    const { conversationId } = ((await oneEvent(el, 'tipsy-ready')) as TipsyReadyEvent).detail;
    await waitForReady(el);
    el.close();
    await owner('takeOver', { conversationId, name: 'Sam' });
    await owner('reply', { conversationId, content: 'Still there? We close at six.' });
    await waitUntil(() => $(el, '[part~=badge]')?.textContent === '1', 'the unread badge', { timeout: 5000 });
    await owner('release', { conversationId });
  });
});
