/**
 * The widget in the visitor's language: which language it picks, the words it
 * shows (launcher and panel), right to left, the page's own words, and which
 * language files a page downloads (none on an English page).
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../index.js';
import { embedFrame, type EmbedFrame } from '../../test/browser/embed-frame.js';
import { $, mount, rendered, testEnv, typeAndSend } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';
import type { TipsyChat } from '../tipsy-chat/tipsy-chat.js';
import { importLocale } from './locale-imports.js';
import { LOCALES, type TranslatedLocale } from './locales.js';
import { chatEn, launcherEn } from './strings.js';

const launcherLabel = (el: Element) => $(el, '[part~=launcher]')?.getAttribute('aria-label');
const presence = (el: Element) => $(el, '.presence')?.textContent;
const placeholder = (el: Element) => $<HTMLTextAreaElement>(el, 'textarea')?.placeholder;
const LOCALE_FILE = /\/widget\/tipsy-chat-locale-([a-z]+)\.mjs\?v=[0-9a-f]{12}$/;
/** Every language file the page (this one, or a frame's) has fetched, built or from source. */
const localeFetches = (win: Window = window) =>
  win.performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => LOCALE_FILE.test(url) || url.includes('/widget/i18n/locales/'));

describe('the widget’s language', () => {
  let env: BrowserTestEnv;
  const pageLang = document.documentElement.getAttribute('lang');
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.querySelectorAll('tipsy-chat, [data-test-wrapper]').forEach((el) => el.remove());
    if (pageLang === null) document.documentElement.removeAttribute('lang');
    else document.documentElement.lang = pageLang;
  });

  it('lang="es": the launcher and the panel speak Spanish', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, character: 'guide', lang: 'es' });
    await waitUntil(() => launcherLabel(el) === 'Abrir chat', 'the launcher in Spanish');
    el.open();
    await waitUntil(() => presence(el) === 'En línea', 'connected, said in Spanish', { timeout: 8000 });
    expect(launcherLabel(el)).to.equal('Cerrar chat');
    const panel = $(el, '[part~=panel]')!;
    expect(panel.getAttribute('aria-label')).to.equal('Chat con Guide');
    expect(placeholder(el)).to.equal('Escribe un mensaje…');
    expect($(el, '[part~=send]')!.getAttribute('aria-label')).to.equal('Enviar');
    expect($(el, '.header button:last-child')!.getAttribute('aria-label')).to.equal('Cerrar chat');
    expect($(el, 'label')!.textContent).to.equal('Mensaje para Guide');
    expect(getComputedStyle(panel).direction).to.equal('ltr');
  });

  it('lang="he": the panel renders right to left and the launcher sits bottom left', async () => {
    const english = mount({ 'site-key': env.siteKey, server: env.server, lang: 'en' });
    const el = mount({ 'site-key': env.siteKey, server: env.server, lang: 'he' });
    await waitUntil(() => launcherLabel(el) === 'פתיחת הצ׳אט', 'the launcher in Hebrew');
    const width = document.documentElement.clientWidth;
    const launcher = $(el, '[part~=launcher]')!;
    expect(getComputedStyle(launcher).direction).to.equal('rtl');
    expect(launcher.getBoundingClientRect().left).to.equal(20);
    expect(width - $(english, '[part~=launcher]')!.getBoundingClientRect().right, 'English: bottom right').to.equal(20);
    english.remove();

    el.open();
    await waitUntil(() => presence(el) === 'מחובר', 'connected, said in Hebrew', { timeout: 8000 });
    const panel = $(el, '[part~=panel]')!;
    expect(panel.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle(panel).direction).to.equal('rtl');
    expect(getComputedStyle($(el, 'textarea')!).direction).to.equal('rtl');
  });

  it('honours a right-to-left page in any language', async () => {
    const wrapper = Object.assign(document.createElement('div'), { dir: 'rtl', lang: 'en' });
    wrapper.dataset.testWrapper = '';
    document.body.append(wrapper);
    const el = document.createElement('tipsy-chat');
    el.siteKey = env.siteKey;
    el.server = env.server;
    wrapper.append(el);
    await rendered();
    expect(launcherLabel(el)).to.equal('Open chat');
    expect($(el, '[part~=launcher]')!.getBoundingClientRect().left).to.equal(20);
  });

  it('takes the page’s <html lang>, and an ancestor’s before it, by language subtag', async () => {
    document.documentElement.lang = 'fr';
    const french = mount({ 'site-key': env.siteKey, server: env.server });
    await waitUntil(() => launcherLabel(french) === 'Ouvrir le chat', 'the page’s French');

    const wrapper = Object.assign(document.createElement('div'), { lang: 'pt-BR' });
    wrapper.dataset.testWrapper = '';
    document.body.append(wrapper);
    const portuguese = document.createElement('tipsy-chat');
    portuguese.siteKey = env.siteKey;
    portuguese.server = env.server;
    portuguese.mode = 'inline';
    wrapper.append(portuguese);
    await waitUntil(() => placeholder(portuguese) === 'Digite uma mensagem…', 'the ancestor’s Portuguese', { timeout: 8000 });
  });

  it('falls back to English for a language it does not speak, and fetches nothing for it', async () => {
    document.documentElement.lang = 'es';
    const before = localeFetches().length;
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', lang: 'zh-Hant' });
    await waitUntil(() => presence(el) === 'Online', 'connected, said in English', { timeout: 8000 });
    expect(placeholder(el)).to.equal(chatEn.placeholder);
    expect(el.i18n.locale).to.equal('en');
    expect(localeFetches()).to.have.length(before);
  });

  it('follows a change of lang after it loaded', async () => {
    const el = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', lang: 'es' });
    await waitUntil(() => placeholder(el) === 'Escribe un mensaje…', 'Spanish', { timeout: 8000 });
    el.lang = 'de';
    await waitUntil(() => placeholder(el) === 'Nachricht schreiben…', 'then German');
    expect($(el, '[part~=send]')!.getAttribute('aria-label')).to.equal('Senden');
    el.lang = 'en-GB';
    await waitUntil(() => placeholder(el) === chatEn.placeholder, 'then English');
  });

  it('lets the page’s strings win over the language’s, as JSON or as an object', async () => {
    const strings = JSON.stringify({ placeholder: 'Pregunta a Marlowe…', openChat: '¿Hablamos?', chatWith: 'Hablar con {name}' });
    const el = mount({ 'site-key': env.siteKey, server: env.server, character: 'guide', lang: 'es', strings });
    await waitUntil(() => launcherLabel(el) === '¿Hablamos?', 'the page’s launcher label');
    el.open();
    await waitUntil(() => presence(el) === 'En línea', 'connected', { timeout: 8000 });
    expect(placeholder(el)).to.equal('Pregunta a Marlowe…');
    expect($(el, '[part~=panel]')!.getAttribute('aria-label')).to.equal('Hablar con Guide');
    expect($(el, '[part~=send]')!.getAttribute('aria-label'), 'the rest stays Spanish').to.equal('Enviar');

    el.strings = { send: 'Mandar' } as unknown as string;
    expect(el.getAttribute('strings')).to.equal('{"send":"Mandar"}');
    await waitUntil(() => $(el, '[part~=send]')!.getAttribute('aria-label') === 'Mandar', 'an object set on the property');
    expect(placeholder(el)).to.equal('Escribe un mensaje…');
    el.placeholder = 'Your order?';
    await waitUntil(() => placeholder(el) === 'Your order?', 'the placeholder attribute wins over both');

    el.setAttribute('strings', '{not json');
    await waitUntil(() => $(el, '[part~=send]')!.getAttribute('aria-label') === 'Enviar', 'broken JSON is ignored');
  });

  it('says errors in the language, with its numbers (Intl)', async () => {
    const el = mount({ 'site-key': env.limitedSiteKey, server: env.server, mode: 'inline', lang: 'ar' });
    await waitUntil(() => presence(el) === 'متصل', 'connected, said in Arabic', { timeout: 8000 });
    for (const text of ['one', 'two', 'three']) await typeAndSend(el, text);
    await waitUntil(() => $(el, '[part~=error]')?.dataset.code === 'RATE_LIMITED', 'the cooldown notice');
    const digits = [1, 2, 3].map((n) => new Intl.NumberFormat('ar').format(n)).join('|');
    const words = $(el, '[part~=error]')!.textContent!;
    expect(words).to.contain('أنت ترسل الرسائل بسرعة كبيرة.');
    expect(words).to.match(new RegExp(`خلال (${digits}) ث\\.`));
  });

  it('has every key, with the same placeholders, in every language', async () => {
    const english: Record<string, string> = { ...launcherEn, ...chatEn };
    const slots = (template: string) => (template.match(/\{\w+\}/g) ?? []).sort().join();
    for (const locale of LOCALES.filter((l): l is TranslatedLocale => l !== 'en')) {
      const table: Record<string, string> = (await importLocale(locale, {})).default;
      expect(Object.keys(table).sort(), locale).to.deep.equal(Object.keys(english).sort());
      for (const [key, template] of Object.entries(english)) expect(slots(table[key]!), `${locale} ${key}`).to.equal(slots(template));
    }
  });
});

describe('the built widget’s language files', () => {
  let env: BrowserTestEnv;
  let frame: EmbedFrame | undefined;
  before(async () => (env = await testEnv()));
  beforeEach(() => localStorage.clear());
  afterEach(() => frame?.remove());

  const page = (lang: string) =>
    embedFrame(`<script src="${env.server}/widget/tipsy-chat.js"></script>`, `<main lang="${lang}"><tipsy-chat site-key="${env.siteKey}" character="guide"></tipsy-chat></main>`);
  const element = (frame: EmbedFrame) => frame.document.querySelector('tipsy-chat') as TipsyChat;

  it('an English page fetches none, with the chat open too', async () => {
    frame = await page('en');
    const el = element(frame);
    el.open();
    await waitUntil(() => presence(el) === 'Online', 'connected', { timeout: 8000 });
    expect(launcherLabel(el)).to.equal('Close chat');
    expect(localeFetches(frame.window)).to.deep.equal([]);
  });

  it('a Spanish page fetches Spanish alone, for the launcher, and the server lets any origin keep it for good', async () => {
    frame = await page('es-MX');
    const el = element(frame);
    await waitUntil(() => launcherLabel(el) === 'Abrir chat', 'the launcher in Spanish');
    const fetched = localeFetches(frame.window);
    expect(fetched).to.have.length(1);
    expect(LOCALE_FILE.exec(fetched[0]!)?.[1]).to.equal('es');
    expect(frame.fetchedFrom(env.server).some((url) => url.includes('tipsy-chat-panel')), 'no chat yet').to.be.false;

    el.open();
    await waitUntil(() => presence(el) === 'En línea', 'the chat, in Spanish', { timeout: 8000 });
    expect(localeFetches(frame.window)).to.have.length(1);

    // Fetched from this page's origin (another than the server's): CORS lets it read the answer.
    const response = await fetch(fetched[0]!);
    expect(response.ok).to.be.true;
    expect(response.headers.get('content-type')).to.match(/javascript/);
    expect(response.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
  });

});
