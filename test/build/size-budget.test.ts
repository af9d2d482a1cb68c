/**
 * The widget's weight is a budget, checked on every build: a change that makes
 * host pages download more fails here, not in production.
 */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { sizeOf, sizeOfAll, widgetFiles } from '../../bench/lib/sizes.js';
import { localeFile } from '../../server/http/chat-module.js';
import { LOCALES } from '../../widget/i18n/locales.js';

const KB = 1024;
/**
 * Gzip budgets (see docs/performance.md): what every page downloads, and what a visitor who opens
 * the chat does. The chat aims at 30 KB in English; Markdown, languages and accessibility may take
 * it to this ceiling, never past it.
 */
const BEFORE_INTERACTION = 8 * KB;
const WHOLE_CHAT = 32 * KB;
/** A language's strings, fetched besides the chat (and before it, for the launcher) when the page speaks it. */
const LOCALE = 1.5 * KB;
/** The modules fetched on demand, by name: each within its own budget. */
const ON_DEMAND: Record<string, number> = {
  /** The Markdown renderer, fetched the first time a character writes Markdown. */
  'markdown-view': 1.5 * KB,
  /** The visitor's conversations (New chat, the list, Delete this chat), fetched the first time they reach for them. */
  'conversation-list': 1.5 * KB,
};

const { loaders, chat, onDemand, locales } = widgetFiles(new URL('../../dist/', import.meta.url).pathname);
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

describe('widget size budget', () => {
  it('builds the chat as its own module', () => {
    assert.ok(chat.some((path) => path.endsWith('/tipsy-chat-panel.mjs')), `no tipsy-chat-panel.mjs among ${chat.join(', ')}`);
  });

  it('builds every language but English (built into the chat) as its own file, and counts none in the whole chat', () => {
    const expected = LOCALES.filter((locale) => locale !== 'en').map(localeFile);
    assert.deepEqual(locales.map((path) => basename(path)).sort(), expected.sort());
    const counted = chat.filter((path) => expected.includes(basename(path)));
    assert.deepEqual(counted, [], 'language files counted in the English chat');
  });

  for (const [name, budget] of Object.entries(ON_DEMAND)) {
    it(`builds the ${name} module on its own, fetched when needed, within ${kb(budget)} gzip`, () => {
      const files = onDemand.filter((path) => basename(path).startsWith(`tipsy-chat-${name}-`));
      assert.equal(files.length, 1, `modules fetched on demand: ${onDemand.join(', ')}`);
      const { gzip } = sizeOf(files[0]!);
      assert.ok(gzip <= budget, `${files[0]} is ${kb(gzip)} gzip, over its ${kb(budget)} budget`);
    });
  }

  it('fetches on demand only the modules budgeted here', () => {
    const names = onDemand.map((path) => basename(path).replace(/^tipsy-chat-|-[\w-]{8}\.mjs$/g, ''));
    assert.deepEqual(names.sort(), Object.keys(ON_DEMAND).sort());
  });

  for (const file of locales) {
    it(`${basename(file)} stays within ${kb(LOCALE)} gzip`, () => {
      const { gzip } = sizeOf(file);
      assert.ok(gzip <= LOCALE, `${file} is ${kb(gzip)} gzip, over its ${kb(LOCALE)} budget`);
    });
  }

  for (const [name, loader] of Object.entries(loaders)) {
    it(`the ${name} loader stays within ${kb(BEFORE_INTERACTION)} gzip before the visitor acts`, () => {
      const { gzip } = sizeOf(loader);
      assert.ok(gzip <= BEFORE_INTERACTION, `${loader} is ${kb(gzip)} gzip, over its ${kb(BEFORE_INTERACTION)} budget`);
    });

    it(`the whole chat with the ${name} loader stays within ${kb(WHOLE_CHAT)} gzip`, () => {
      const { gzip } = sizeOfAll([loader, ...chat]);
      assert.ok(gzip <= WHOLE_CHAT, `the loader and the chat are ${kb(gzip)} gzip, over their ${kb(WHOLE_CHAT)} budget`);
    });
  }
});
