import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.js';
import type { TipsyErrorEvent, TipsyMessageEvent } from '../events.js';
import { $, $$, bubbles, mount, shadow, testEnv, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

declare global {
  interface Window {
    __pwned?: number;
  }
}

describe('<tipsy-chat>', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => document.querySelectorAll('tipsy-chat').forEach((el) => el.remove()));

  it('inline: shows the greeting, sends with Enter, and streams the character’s reply', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'barkeep' });
    await oneEvent(el, 'tipsy-ready');
    await waitForReady(el);
    expect($(el, '[part~=panel]')).to.exist;
    expect($(el, '[part~=launcher]')).to.not.exist;

    const events: string[] = [];
    el.addEventListener('tipsy-message', (e) => events.push((e as TipsyMessageEvent).detail.message.sender_type));
    await typeAndSend(el, 'Something with gin?');
    expect(bubbles(el, 'user')[0]?.textContent).to.contain('Something with gin?');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'streaming', 'a streaming reply', { interval: 5 });
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the finished reply');
    expect(bubbles(el, 'user')[0]?.dataset.status).to.equal('sent');
    expect(bubbles(el, 'character')[0]?.textContent, 'the simulated barkeep does not know, and says so').to.contain('know');
    expect(events).to.deep.equal(['user', 'character']);
    expect($<HTMLTextAreaElement>(el, 'textarea')!.value).to.equal('');
  });

  it('Shift+Enter starts a new line instead of sending', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline' });
    await waitForReady(el);
    $<HTMLTextAreaElement>(el, 'textarea')!.focus();
    await sendKeys({ type: 'line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect($<HTMLTextAreaElement>(el, 'textarea')!.value).to.equal('line one\nline two');
    expect(bubbles(el, 'user')).to.have.length(0);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => bubbles(el, 'user')[0]?.dataset.status === 'sent');
    expect(bubbles(el, 'user')[0]!.querySelector('.text')!.textContent).to.equal('line one\nline two');
  });

  it('launcher: a bubble that opens and closes the panel, with events', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server });
    expect($(el, '[part~=launcher]')!.getAttribute('aria-label')).to.equal('Open chat');
    const chatIcon = $(el, '[part~=launcher] svg')!;
    expect(chatIcon.namespaceURI).to.equal('http://www.w3.org/2000/svg');
    expect(chatIcon.getAttribute('aria-hidden')).to.equal('true');
    expect($(el, '[part~=panel]')).to.not.exist;
    const opened = oneEvent(el, 'tipsy-open');
    $(el, '[part~=launcher]')!.click();
    await opened;
    expect(el.hasAttribute('open')).to.be.true;
    expect($(el, '[part~=launcher]')!.getAttribute('aria-label')).to.equal('Close chat');
    expect($(el, '[part~=launcher] svg path')!.getAttribute('d'), 'the close icon').to.not.equal(chatIcon.firstElementChild!.getAttribute('d'));
    await waitForReady(el);
    expect(shadow(el).activeElement).to.equal($(el, 'textarea'));
    const closed = oneEvent(el, 'tipsy-close');
    $(el, '.header button:last-child')!.click();
    await closed;
    expect($(el, '[part~=panel]')).to.not.exist;
  });

  it('open() and send(text) work from the host page’s script', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server });
    const reply = new Promise<string>((resolve) =>
      el.addEventListener('tipsy-message', (e) => {
        const { message } = (e as TipsyMessageEvent).detail;
        if (message.sender_type === 'character') resolve(message.content);
      }),
    );
    expect(await el.send('Sent by the page')).to.be.true;
    expect(el.isOpen).to.be.true;
    expect(await reply, 'the simulated barkeep’s answer: it does not know').to.contain('know');
  });

  it('keeps the conversation across a reload (a new element, the same visitor)', async () => {
    const first = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(first);
    await typeAndSend(first, 'Remember the lighthouse');
    await waitUntil(() => bubbles(first, 'character')[0]?.dataset.status === 'sent');
    first.remove();

    const second = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(second);
    expect(bubbles(second, 'user').map((b) => b.textContent)).to.deep.equal(['Remember the lighthouse']);
    expect(bubbles(second, 'character')).to.have.length(1);
  });

  it('renders markup from visitors, sites and the model as literal text, running nothing', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'barkeep' });
    await waitForReady(el);
    await typeAndSend(el, payload);
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent');
    await new Promise((r) => setTimeout(r, 100)); // give any injected handler a chance to fire

    expect(bubbles(el, 'user')[0]!.querySelector('.text')!.textContent).to.equal(payload);
    expect(bubbles(el, 'character')[0]!.textContent, 'the markup its lorebook holds').to.contain('<img src=x');
    expect($(el, '.name')!.textContent).to.equal('Barkeep <b>Bob</b>');
    expect($(el, '[part~=greeting]')!.textContent).to.contain('<img src=x onerror=');
    expect($$(el, 'img:not(.avatar), script, b')).to.have.length(0);
    expect($(el, 'img.avatar'), 'a javascript: avatar is dropped').to.not.exist;
    expect(window.__pwned).to.equal(undefined);
  });

  it('says in words when the site does not allow this page, and fires tipsy-error', async () => {
    const el = mount({ 'site-key': env.lockedSiteKey, server: env.server, mode: 'inline' });
    const { detail } = (await oneEvent(el, 'tipsy-error')) as TipsyErrorEvent;
    expect(detail.code).to.equal('FORBIDDEN_ORIGIN');
    await waitUntil(() => $(el, '[part~=error]'), 'the error notice');
    expect($(el, '[part~=error]')!.textContent).to.contain('Chat is not enabled on this website.');
  });

  it('when sending too fast: keeps the message pending, counts down, and sends it by itself', async () => {
    const el = mount({ 'site-key': env.limitedSiteKey, server: env.server, mode: 'inline' });
    await waitForReady(el);
    for (const text of ['one', 'two', 'three']) {
      await typeAndSend(el, text);
      await waitUntil(() => bubbles(el, 'user').length === ['one', 'two', 'three'].indexOf(text) + 1);
    }
    await waitUntil(() => $(el, '[part~=error]')?.dataset.code === 'RATE_LIMITED', 'the cooldown notice');
    expect($(el, '[part~=error]')!.textContent).to.match(/You can send again in [1-3] s\./);
    expect(bubbles(el, 'user')[2]!.dataset.status).to.equal('pending');
    await sendKeys({ type: 'four' });
    expect($<HTMLButtonElement>(el, '[part~=send]')!.disabled, 'sending is disabled meanwhile').to.be.true;

    await waitUntil(() => bubbles(el, 'user')[2]?.dataset.status === 'sent', 'sent after the cooldown', { timeout: 6000 });
    expect($(el, '[part~=error]')).to.not.exist;
    expect($<HTMLButtonElement>(el, '[part~=send]')!.disabled).to.be.false;
  });

  it('talks with a character defined by the page’s attributes', async () => {
    const el = mount({
      'site-key': env.siteKey,
      server: env.server,
      mode: 'inline',
      'character-name': 'Old Tom',
      'character-greeting': 'Evening. Request a song?',
      'character-persona': 'Old Tom plays the piano at the bar.',
    });
    await waitForReady(el);
    expect($(el, '.name')!.textContent).to.equal('Old Tom');
    expect($(el, '[part~=greeting] .text')!.textContent).to.equal('Evening. Request a song?');
    await typeAndSend(el, 'Play something slow');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent');
  });

  it('offers to stop a reply while it streams, and keeps what was said', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(el);
    await typeAndSend(el, 'Tell me about the harbour');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'streaming', 'streaming', { interval: 5 });
    $(el, '[part~=stop]')!.click();
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'stopped', 'kept');
    const kept = bubbles(el, 'character')[0]!.querySelector('.text')!.textContent!;
    // The simulated guide's replies run to twenty-odd words; stopped after the first, far fewer are kept.
    expect(kept.split(' ').length).to.be.within(1, 12);
    await new Promise((r) => setTimeout(r, 600)); // a whole reply would have finished by now
    expect(bubbles(el, 'character')[0]!.querySelector('.text')!.textContent).to.equal(kept);
    expect($(el, '[part~=stop]')).to.not.exist;
  });

  it('passes attributes and properties set after the chat loaded on to it', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(el);
    expect($(el, '.name')!.textContent).to.equal('Guide');

    el.character = 'barkeep';
    expect(el.getAttribute('character'), 'a property is its attribute').to.equal('barkeep');
    await waitUntil(() => $(el, '.name')?.textContent === 'Barkeep <b>Bob</b>', 'the other character');
    el.setAttribute('placeholder', 'Your order?');
    await waitUntil(() => $<HTMLTextAreaElement>(el, 'textarea')?.placeholder === 'Your order?', 'the new placeholder');
    el.removeAttribute('placeholder');
    expect(el.placeholder).to.equal('Type a message…');

    el.mode = 'launcher';
    await waitUntil(() => !$(el, '[part~=panel]'), 'a closed launcher');
    expect($(el, '[part~=launcher]')).to.exist;
  });

  it('reads mode and theme only as one of their values: anything else reads as the default', () => {
    const el = mount({ mode: 'sideways', theme: 'blue' });
    const mode: 'launcher' | 'inline' = el.mode;
    const theme: 'auto' | 'light' | 'dark' = el.theme;
    expect([mode, theme]).to.deep.equal(['launcher', 'auto']);
    expect($(el, '[part~=launcher]'), 'and behaves as the default').to.exist;
    expect(el.getAttribute('mode'), 'the attribute keeps what the page wrote').to.equal('sideways');

    el.mode = 'inline';
    el.theme = 'dark';
    expect([el.mode, el.theme]).to.deep.equal(['inline', 'dark']);
    el.setAttribute('mode', 'INLINE'); // as the styles read it: attribute values are exact
    el.removeAttribute('theme');
    expect([el.mode, el.theme]).to.deep.equal(['launcher', 'auto']);
  });

  it('lets the page style the parts, the bubble before the chat loads as well', async () => {
    const style = document.createElement('style');
    style.textContent = `tipsy-chat::part(launcher) { width: 64px; }
      tipsy-chat::part(panel) { outline: 3px solid rgb(4, 5, 6); }
      tipsy-chat::part(message-character) { font-style: italic; }`;
    document.head.append(style);
    try {
      const el = mount({ 'site-key': env.siteKey, server: env.server });
      expect(getComputedStyle($(el, '[part~=launcher]')!).width).to.equal('64px');
      el.open();
      await waitForReady(el);
      expect(getComputedStyle($(el, '[part~=panel]')!).outlineColor).to.equal('rgb(4, 5, 6)');
      await typeAndSend(el, 'Hello');
      await waitUntil(() => bubbles(el, 'character')[0], 'a reply');
      expect(getComputedStyle(bubbles(el, 'character')[0]!).fontStyle).to.equal('italic');
    } finally {
      style.remove();
    }
  });

  it('applies the dark theme and public custom properties', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', theme: 'dark' });
    el.style.setProperty('--tipsy-accent', 'rgb(1, 2, 3)');
    await waitForReady(el);
    expect(getComputedStyle($(el, '[part~=panel]')!).backgroundColor).to.equal('rgb(28, 25, 23)');
    expect(getComputedStyle($(el, '[part~=header]')!).backgroundColor).to.equal('rgb(1, 2, 3)');
  });
});
