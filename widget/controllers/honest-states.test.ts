/**
 * The chat's states say what is true: a site key that cannot start a chat, a network whose
 * session limit is reached, the browser going offline, a reply the visitor stopped.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import '../index.js';
import type { TipsyErrorEvent } from '../events.js';
import { chatEn, type Strings } from '../i18n/strings.js';
import { translator } from '../i18n/translate.js';
import { $, bubbles, mount, rendered, setNetwork, testEnv, typeAndSend, waitForReady } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';
import { ChatController } from './chat-controller.js';

const notice = (el: Element) => $(el, '[part~=error]');
const presence = (el: Element) => $(el, '.presence')?.textContent;

/** A controller on its own, with a host that only counts updates: for the state the view reads. */
function bareController(): ChatController {
  const host = { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) };
  const controller = new ChatController(host, new EventTarget(), { t: translator(() => chatEn as unknown as Strings), number: String });
  controller.hostConnected();
  return controller;
}

describe('honest states', () => {
  let env: BrowserTestEnv;
  let warnings: unknown[][];
  const realWarn = console.warn;
  before(async () => (env = await testEnv()));
  beforeEach(async () => {
    localStorage.clear();
    await setNetwork('open');
    warnings = [];
    console.warn = (...args: unknown[]) => void warnings.push(args);
  });
  afterEach(async () => {
    console.warn = realWarn;
    document.querySelectorAll('tipsy-chat').forEach((el) => el.remove());
    await setNetwork('open');
  });

  it('a wrong site key: neutral words for the visitor, one console warning naming the key for the owner', async () => {
    const el = mount({ 'site-key': 'pk_not_a_real_key', server: env.server, mode: 'inline' });
    const { detail } = (await oneEvent(el, 'tipsy-error')) as TipsyErrorEvent;
    expect(detail.code).to.equal('UNAUTHORIZED');
    await waitUntil(() => notice(el), 'the error notice');
    expect(notice(el)!.textContent!.trim()).to.equal('Chat is unavailable right now.');
    expect(notice(el)!.textContent).to.not.match(/reload/i);
    expect(presence(el)).to.equal('Unavailable');
    expect($<HTMLTextAreaElement>(el, 'textarea')!.disabled, 'nothing can be written').to.be.true;
    el.setAttribute('mode', 'inline'); // renders again: still one warning
    await new Promise((r) => setTimeout(r, 300));
    expect(warnings).to.have.length(1);
    const [text] = warnings[0]!;
    expect(text).to.be.a('string').and.to.contain('pk_not_a_real_key').and.to.contain('UNAUTHORIZED').and.to.contain('site-key attribute');
  });

  it('an origin the site does not allow: the owner is told which origin to add', async () => {
    const el = mount({ 'site-key': env.lockedSiteKey, server: env.server, mode: 'inline' });
    await oneEvent(el, 'tipsy-error');
    await waitUntil(() => warnings.length === 1, 'the console warning');
    expect(String(warnings[0]![0])).to.contain(location.origin).and.to.contain('FORBIDDEN_ORIGIN').and.to.contain(env.lockedSiteKey);
    expect(notice(el)!.textContent).to.not.match(/reload/i);
  });

  it('the session limit: busy words (not "sending too quickly"), the composer held, and a start by itself after the wait', async function () {
    // A site whose new-visitor window takes one start per few seconds (see test/browser/server-plugin.ts).
    const first = mount({ 'site-key': env.busySiteKey, server: env.server, mode: 'inline' });
    await oneEvent(first, 'tipsy-ready'); // the first new visitor takes the window
    first.remove();
    localStorage.clear(); // the next visitor is new too
    const el = mount({ 'site-key': env.busySiteKey, server: env.server, mode: 'inline' });
    const { detail } = (await oneEvent(el, 'tipsy-error')) as TipsyErrorEvent;
    expect(detail.code).to.equal('RATE_LIMITED');
    await waitUntil(() => notice(el), 'the busy notice');
    expect(notice(el)!.textContent!.trim()).to.equal('Chat is busy right now. Try again in 1 min.');
    expect(notice(el)!.textContent).to.not.contain('too quickly');
    expect($<HTMLTextAreaElement>(el, 'textarea')!.disabled, 'the composer is held').to.be.true;
    await waitUntil(() => presence(el) === 'Online', 'started by itself once the window allows', { timeout: 10_000 });
    expect(notice(el)).to.not.exist;
    expect($<HTMLTextAreaElement>(el, 'textarea')!.disabled).to.be.false;
  });

  it('a site whose model budget is spent: the visitor is told in their language, and the message waits to be retried', async () => {
    for (const [lang, words] of [
      ['en', 'This chat has reached its limit for now. Please come back later.'],
      ['es', 'Este chat ha alcanzado su límite por ahora. Vuelve más tarde.'],
    ]) {
      const el = mount({ 'site-key': env.spentSiteKey, server: env.server, mode: 'inline', lang: lang! });
      await waitUntil(() => $(el, '[part~=panel]')?.dataset.connection === 'online', 'connected', { timeout: 8000 });
      const refused = oneEvent(el, 'tipsy-error');
      await typeAndSend(el, `Anyone there? (${lang})`);
      expect(((await refused) as TipsyErrorEvent).detail.code).to.equal('QUOTA_EXCEEDED');
      await waitUntil(() => notice(el)?.dataset.code === 'QUOTA_EXCEEDED', 'the notice');
      expect(notice(el)!.textContent).to.contain(words);
      await waitUntil(() => bubbles(el, 'user')[0]?.dataset.status === 'failed', 'kept, to retry');
      el.remove();
    }
  });

  it('offline: the status says so within a second, and never "Online" while the connection is down', async () => {
    const controller = bareController();
    const el = mount({ 'site-key': env.siteKey, server: env.proxiedServer, mode: 'inline', character: 'guide' });
    await controller.start({ server: env.proxiedServer, siteKey: env.siteKey, character: 'barkeep' });
    await waitForReady(el);
    await waitUntil(() => controller.statusKey === 'online', 'the controller is online');

    window.dispatchEvent(new Event('offline'));
    await setNetwork('offline');
    const since = Date.now();
    await waitUntil(() => controller.statusKey === 'offline', 'offline at once', { timeout: 1000, interval: 10 });
    expect(Date.now() - since).to.be.below(1000);
    // However long it stays down, neither the controller nor the header claims to be online.
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect(controller.statusKey).to.equal('offline');
      expect(presence(el)).to.not.equal('Online');
    }

    await setNetwork('open');
    window.dispatchEvent(new Event('online'));
    await waitUntil(() => controller.statusKey !== 'offline', 'no longer offline once back');
    await waitUntil(() => controller.statusKey === 'online', 'online again', { timeout: 12_000 });
    controller.hostDisconnected();
  });

  it('one status at a time: limited when the socket is blocked, unavailable over everything when refused', async () => {
    await setNetwork('no-socket');
    const controller = bareController();
    await controller.start({ server: env.proxiedServer, siteKey: env.siteKey, character: 'guide' });
    await waitUntil(() => controller.connection === 'fallback', 'fallback mode', { timeout: 8000 });
    expect(controller.statusKey).to.equal('limited');
    controller.hostDisconnected();

    const refused = bareController();
    await refused.start({ server: env.server, siteKey: 'pk_not_a_real_key' });
    window.dispatchEvent(new Event('offline'));
    expect(refused.statusKey, 'refused for good outranks offline').to.equal('unavailable');
    window.dispatchEvent(new Event('online'));
    refused.hostDisconnected();
  });

  it('marks a reply the visitor stopped as stopped', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'guide' });
    await waitForReady(el);
    await typeAndSend(el, 'Tell me about the harbour');
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'streaming', 'streaming', { interval: 5 });
    $(el, '[part~=stop]')!.click();
    await waitUntil(() => bubbles(el, 'character')[0]?.dataset.status === 'stopped', 'marked as stopped');
    await new Promise((r) => setTimeout(r, 600)); // the whole reply would have finished by now
    await rendered();
    expect(bubbles(el, 'character')[0]!.dataset.status).to.equal('stopped');
  });
});
