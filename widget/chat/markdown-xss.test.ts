/**
 * Hostile Markdown through the real server: in a character's greeting (a page-defined character)
 * and in a reply (the simulated barkeep states its lorebook's markup). Nothing runs, only the
 * allowed elements appear, and every link is an http(s) or mailto link opening in a new tab.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../index.js';
import { $, $$, bubbles, mount, testEnv, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

declare global {
  interface Window {
    __mdPwned?: number;
  }
}

const LINKS = [
  '[a](javascript:window.__mdPwned=1)',
  '[b](JaVaScRiPt:window.__mdPwned=2)',
  '[c]( javascript:window.__mdPwned=3)',
  '[d](java&#115;cript:window.__mdPwned=4) [d2](&#106;avascript:window.__mdPwned=4)',
  '[e](java\nscript:window.__mdPwned=5) [e2](javascript\n:window.__mdPwned=5)',
  '[f](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19tZFB3bmVkPTY8L3NjcmlwdD4=) [f2](data:text/html,<script>window.__mdPwned=6</script>)',
  '[g](vbscript:window.__mdPwned=7) [g2](javascript://%0Awindow.__mdPwned=7)',
  '[<img src=x onerror="window.__mdPwned=8">](https://example.com/safe)',
  '[ok](https://example.com/ok) [mail](mailto:bar@example.com) https://example.com/bare"><img src=x onerror=window.__mdPwned=9>',
].join('\n\n');

const MARKUP = [
  '<img src=x onerror="window.__mdPwned=10"> <script>window.__mdPwned=11</script> <b>not bold</b>',
  '```html\n<img src=x onerror="window.__mdPwned=12"><script>window.__mdPwned=13</script>\n```',
  '**<img src=x onerror="window.__mdPwned=14">** `<svg onload="window.__mdPwned=15">`',
  '> <iframe src="javascript:window.__mdPwned=16"></iframe>',
  '- <a href="javascript:window.__mdPwned=17">list</a>\n  - _<style>*{display:none}</style>_',
  '```\n<script>window.__mdPwned=18</script>', // a fence never closed
].join('\n\n');

/** A greeting holds at most 1000 characters. */
const BOMBS = ['*'.repeat(250) + 'a', '['.repeat(150), '**a'.repeat(100), '_'.repeat(100) + 'b', '> '.repeat(50) + 'deep'].join('\n\n');

const ALLOWED_TAGS = new Set(['DIV', 'SPAN', 'P', 'EM', 'STRONG', 'CODE', 'PRE', 'BUTTON', 'A', 'UL', 'OL', 'LI', 'BLOCKQUOTE']);
const ALLOWED_ATTRIBUTES = new Set(['class', 'part', 'dir', 'data-status', 'aria-busy', 'href', 'target', 'rel', 'start', 'role', 'type']);

/** Everything the log's messages hold is of the allowed kinds, and every link is a safe one. */
function expectOnlySafeMarkup(el: Element): HTMLAnchorElement[] {
  const messages = $$(el, '[part~=message]');
  expect(messages.length).to.be.above(0);
  const links: HTMLAnchorElement[] = [];
  for (const message of messages) {
    for (const node of message.querySelectorAll('*')) {
      expect(ALLOWED_TAGS.has(node.tagName), `<${node.localName}> in a message`).to.be.true;
      for (const { name } of node.attributes) expect(ALLOWED_ATTRIBUTES.has(name), `${name} on <${node.localName}>`).to.be.true;
      if (node instanceof HTMLAnchorElement) links.push(node);
    }
  }
  for (const a of links) {
    expect(['http:', 'https:', 'mailto:'], a.href).to.include(new URL(a.href).protocol);
    expect(a.target).to.equal('_blank');
    expect(a.rel).to.equal('noopener noreferrer');
  }
  return links;
}

/** Lets any handler an injected element would have set fire. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('Markdown from the character, through the server', () => {
  let env: BrowserTestEnv;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.querySelectorAll('tipsy-chat').forEach((el) => el.remove());
    expect(window.__mdPwned, 'a payload ran').to.equal(undefined);
  });

  const withGreeting = async (greeting: string) => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', 'character-name': 'Markdown Mel', 'character-greeting': greeting });
    await waitForReady(el);
    await waitUntil(() => $(el, '[part~=greeting]'), 'the greeting');
    await settle();
    return el;
  };

  it('links only http(s) and mailto URLs in a greeting, and shows the others as text', async () => {
    const el = await withGreeting(LINKS);
    const links = expectOnlySafeMarkup(el);
    expect(links.map((a) => a.href)).to.deep.equal([
      'https://example.com/safe',
      'https://example.com/ok',
      'mailto:bar@example.com',
      'https://example.com/bare',
    ]);
    expect(links[0]!.textContent).to.equal('<img src=x onerror="window.__mdPwned=8">');
    const text = $(el, '[part~=greeting] .text')!.textContent!;
    for (const shown of ['[a](javascript:', '[b](JaVaScRiPt:', '[c]( javascript:', 'java&#115;cript:', '(data:text/html', '[g](vbscript:']) {
      expect(text).to.contain(shown);
    }
  });

  it('shows HTML as the characters written, in text, code and code blocks', async () => {
    const el = await withGreeting(MARKUP);
    expectOnlySafeMarkup(el);
    const greeting = $(el, '[part~=greeting] .text')!;
    expect(greeting.querySelectorAll('pre')).to.have.length(2);
    expect(greeting.querySelector('pre code')!.textContent).to.equal('<img src=x onerror="window.__mdPwned=12"><script>window.__mdPwned=13</script>');
    expect(greeting.textContent).to.contain('<b>not bold</b>');
    expect(greeting.querySelector('strong')!.textContent).to.equal('<img src=x onerror="window.__mdPwned=14">');
    expect(greeting.querySelector('blockquote')!.textContent).to.contain('<iframe src="javascript:');
  });

  it('renders nesting bombs quickly, as text', async () => {
    const el = await withGreeting(BOMBS);
    expectOnlySafeMarkup(el);
    expect($(el, '[part~=greeting] .text')!.textContent).to.contain('*'.repeat(250) + 'a');
  });

  it('renders a streamed reply’s Markdown, keeps its paragraph while it grows, and leaves the visitor’s words as text', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'barkeep' });
    await waitForReady(el);
    const asked = '**gin** or [menu](https://example.com/menu)';
    await typeAndSend(el, asked);
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'streaming' && bubbles(el, 'character')[0]!.querySelector('p'), 'streaming', {
      interval: 5,
    });
    const paragraph = bubbles(el, 'character')[0]!.querySelector('p')!;
    const lengthThen = paragraph.textContent!.length;
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'sent', 'the finished reply');
    const reply = bubbles(el, 'character')[0]!;
    expect(reply.querySelector('p'), 'the same paragraph element').to.equal(paragraph);
    expect(paragraph.textContent!.length).to.be.above(lengthThen);
    expect(reply.querySelector('strong')!.textContent).to.equal('gin');
    expect(reply.querySelector('a')!.href).to.equal('https://example.com/menu');

    const visitor = bubbles(el, 'user')[0]!.querySelector('.text')!;
    expect(visitor.textContent).to.equal(asked);
    expect(visitor.children).to.have.length(0);

    await typeAndSend(el, '[x](javascript:window.__mdPwned=20)');
    await waitUntil(() => bubbles(el, 'character')[1]?.dataset.status === 'sent', 'the second reply');
    await settle();
    expect(bubbles(el, 'character')[1]!.textContent).to.contain('[x](javascript:window.__mdPwned=20)');
    expect(expectOnlySafeMarkup(el).map((a) => a.href)).to.deep.equal(['https://example.com/menu']);
  });
});
