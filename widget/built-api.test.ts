/**
 * The built chat's tRPC client, which the build trims to the queries and mutations the chat
 * makes (vite.config.ts: nativeHelpers, trpcQueriesAndMutations): with the built files served
 * by the chat server, its calls still go through and the server's error codes still arrive.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { embedFrame, type EmbedFrame } from '../test/browser/embed-frame.js';
import { $, bubbles, setNetwork, testEnv, texts } from '../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../test/browser/server-plugin.js';
import type { TipsyErrorEvent } from './events.js';
import type { TipsyChat } from './tipsy-chat/tipsy-chat.js';


describe('the built chat over tRPC', () => {
  let env: BrowserTestEnv;
  let frame: EmbedFrame | undefined;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(async () => {
    frame?.remove();
    await setNetwork('open');
  });

  const page = async (server: string, attributes: string) => {
    frame = await embedFrame(`<script type="module" src="${server}/widget/tipsy-chat.mjs"></script>`, `<tipsy-chat ${attributes} mode="inline"></tipsy-chat>`);
    return frame.document.querySelector('tipsy-chat') as TipsyChat;
  };

  it('reads the code of a refused start (a mutation) from the server’s error', async () => {
    const el = await page(env.server, 'site-key="pk_not_a_real_key"');
    const { detail } = (await oneEvent(el, 'tipsy-error')) as TipsyErrorEvent;
    expect(detail.code, 'not the code for an unreachable server').to.equal('UNAUTHORIZED');
  });

  it('sends over HTTP (a mutation) without a socket, and shows it again from history (a query) after a reload', async () => {
    await setNetwork('no-socket');
    const attributes = `site-key="${env.siteKey}" character="guide"`;
    const first = await page(env.proxiedServer, attributes);
    await waitUntil(() => $(first, '[part~=panel]')?.dataset.connection === 'fallback', 'fallback mode', { timeout: 8000 });
    expect(await first.send('Over plain HTTP')).to.be.true;
    await waitUntil(() => bubbles(first, 'user')[0]?.dataset.status === 'sent', 'stored over HTTP');
    await waitUntil(() => bubbles(first, 'character')[0]?.dataset.status === 'sent', 'the reply, polled', { timeout: 8000 });
    const said = texts(first, 'character');
    frame!.remove();

    const second = await page(env.proxiedServer, attributes);
    await waitUntil(() => bubbles(second, 'character').length === 1, 'the history', { timeout: 8000 });
    expect(texts(second, 'user')).to.deep.equal(['Over plain HTTP']);
    expect(texts(second, 'character')).to.deep.equal(said);
  });
});
