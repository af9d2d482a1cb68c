/**
 * What a host page downloads, and when, with the built files (dist/) served
 * by the chat server: the loader up front, the chat when the visitor wants it.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { embedFrame, type EmbedFrame } from '../test/browser/embed-frame.js';
import { $, setNetwork, testEnv, waitForReady } from '../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../test/browser/server-plugin.js';
import type { TipsyErrorEvent, TipsyMessageEvent } from './events.js';
import type { TipsyChat } from './tipsy-chat/tipsy-chat.js';

const CHAT_MODULE = /\/widget\/tipsy-chat-panel\.mjs\?v=[0-9a-f]+/;
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('loading the built widget', () => {
  let env: BrowserTestEnv;
  let frame: EmbedFrame | undefined;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(async () => {
    frame?.remove();
    await setNetwork('open');
  });

  const scripts = {
    'the classic script': (server: string) => `<script src="${server}/widget/tipsy-chat.js"></script>`,
    'the module': (server: string) => `<script type="module" src="${server}/widget/tipsy-chat.mjs"></script>`,
  };

  for (const [name, script] of Object.entries(scripts)) {
    it(`${name}: fetches only itself until the visitor shows interest, then the chat, which opens and talks`, async () => {
      frame = await embedFrame(script(env.server), `<tipsy-chat site-key="${env.siteKey}" character="guide"></tipsy-chat>`);
      const el = frame.document.querySelector('tipsy-chat') as TipsyChat;
      await waitUntil(() => $(el, '[part~=launcher]'), 'the bubble');
      await settle(300); // anything fetched eagerly would have been asked for by now
      const loader = script(env.server).match(/src="([^"]+)"/)![1]!;
      expect(frame.fetchedFrom(env.server)).to.deep.equal([loader]);

      // Hovering the bubble fetches the chat, and nothing more: no session yet.
      $(el, '[part~=launcher]')!.dispatchEvent(new PointerEvent('pointerenter'));
      await waitUntil(() => frame!.fetchedFrom(env.server).some((url) => CHAT_MODULE.test(url)), 'the chat module');
      await settle(200);
      expect(frame.fetchedFrom(env.server)).to.have.length(2);
      expect($(el, '[part~=panel]')).to.not.exist;

      const ready = oneEvent(el, 'tipsy-ready');
      $(el, '[part~=launcher]')!.click();
      await ready;
      await waitForReady(el);
      expect(el.isOpen).to.be.true;
      expect($(el, '[part~=launcher]')!.getAttribute('aria-expanded')).to.equal('true');
      expect(frame.fetchedFrom(env.server).filter((url) => url.includes('/widget/'))).to.have.length(2);

      const reply = new Promise<string>((resolve) =>
        el.addEventListener('tipsy-message', (e) => {
          const { message } = (e as TipsyMessageEvent).detail;
          if (message.sender_type === 'character') resolve(message.content);
        }),
      );
      expect(await el.send('Where does the walk start?')).to.be.true;
      expect(await reply, 'the simulated guide’s answer: it does not know').to.contain('know');
    });
  }

  it('works on a page that enforces Trusted Types (no markup assigned as strings)', async () => {
    const policy = `<meta http-equiv="Content-Security-Policy" content="require-trusted-types-for 'script'">`;
    frame = await embedFrame(policy + scripts['the classic script'](env.server), `<tipsy-chat site-key="${env.siteKey}"></tipsy-chat>`);
    const el = frame.document.querySelector('tipsy-chat') as TipsyChat;
    await waitUntil(() => $(el, '[part~=launcher] svg'), 'the bubble and its icon');
    const ready = oneEvent(el, 'tipsy-ready');
    $(el, '[part~=launcher]')!.click();
    await ready;
    await waitForReady(el);
  });

  it('the classic script run with no <script src> (as a tag manager may): finds the chat at the element’s server', async () => {
    const code = await (await fetch(`${env.server}/widget/tipsy-chat.js`)).text();
    frame = await embedFrame('', `<tipsy-chat site-key="${env.siteKey}" server="${env.server}" mode="inline"></tipsy-chat>`);
    (frame.window as Window & typeof globalThis).eval(code); // no current script, and no import.meta either
    const el = frame.document.querySelector('tipsy-chat') as TipsyChat;
    await waitForReady(el);
    expect(frame.fetchedFrom(env.server).filter((url) => CHAT_MODULE.test(url))).to.have.length(1);
  });

  it('the classic script run with no <script src> and no server: says it cannot load the chat, never throws', async () => {
    const code = await (await fetch(`${env.server}/widget/tipsy-chat.js`)).text();
    frame = await embedFrame('', `<tipsy-chat site-key="${env.siteKey}"></tipsy-chat>`);
    (frame.window as Window & typeof globalThis).eval(code);
    const el = frame.document.querySelector('tipsy-chat') as TipsyChat;
    const failed = oneEvent(el, 'tipsy-error');
    $(el, '[part~=launcher]')!.click(); // the page's own origin serves no chat module
    expect(((await failed) as TipsyErrorEvent).detail.code).to.equal('UNAVAILABLE');
    expect($(el, '[part~=error]')).to.exist;
  });

  it('serves the loader for a few minutes and the versioned chat module for good, to any origin', async () => {
    const loader = await fetch(`${env.server}/widget/tipsy-chat.js`);
    const version = (await loader.text()).match(/tipsy-chat-panel\.mjs\?v=[0-9a-f]+/)![0];
    const chat = await fetch(`${env.server}/widget/${version}`);
    expect(chat.ok).to.be.true;
    expect(chat.headers.get('content-type')).to.match(/javascript/);
    expect(chat.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(loader.headers.get('cache-control')).to.equal('public, max-age=300');
  });

  it('takes the properties a page set before the script defined the element', async () => {
    // The element exists and gets properties first; the script comes last, as a deferred or slow one would.
    const setUp = `<script>
      const el = document.querySelector('tipsy-chat');
      el.siteKey = '${env.siteKey}';
      el.mode = 'inline';
    </script>`;
    frame = await embedFrame('', `<tipsy-chat></tipsy-chat>${setUp}${scripts['the classic script'](env.server)}`);
    const el = frame.document.querySelector('tipsy-chat') as TipsyChat;
    await waitForReady(el);
    expect(el.getAttribute('site-key')).to.equal(env.siteKey);
    expect(el.getAttribute('mode')).to.equal('inline');
  });

  it('says so when the chat cannot be downloaded, and loads it when the visitor retries', async () => {
    // Served through the proxy, which the test can take offline after the loader arrived.
    const page = `<tipsy-chat site-key="${env.siteKey}" character="guide"></tipsy-chat>`;
    frame = await embedFrame(scripts['the classic script'](env.proxiedServer), page);
    const el = frame.document.querySelector('tipsy-chat') as TipsyChat;
    await waitUntil(() => $(el, '[part~=launcher]'), 'the bubble');
    await setNetwork('offline');

    const failed = oneEvent(el, 'tipsy-error');
    $(el, '[part~=launcher]')!.click();
    expect(((await failed) as TipsyErrorEvent).detail.code).to.equal('UNAVAILABLE');
    const notice = $(el, '[part~=error]')!;
    expect(notice.getAttribute('role')).to.equal('alert');
    expect(notice.textContent).to.contain('The chat could not be loaded.');
    expect($(el, '[part~=panel]')).to.not.exist;

    await setNetwork('open');
    const ready = oneEvent(el, 'tipsy-ready');
    notice.querySelector('button')!.click();
    await ready;
    await waitForReady(el);
    expect($(el, '[part~=error]')).to.not.exist;
  });
});
