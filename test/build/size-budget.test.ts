/**
 * The widget's weight is a budget, checked on every build: a change that makes
 * host pages download more fails here, not in production.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sizeOf, sizeOfAll, widgetFiles } from '../../bench/lib/sizes.js';

const KB = 1024;
/**
 * Gzip budgets (see docs/performance.md): what every page downloads, and what a visitor who opens
 * the chat does. The chat aims at 30 KB in English; Markdown, languages and accessibility may take
 * it to this ceiling, never past it.
 */
const BEFORE_INTERACTION = 8 * KB;
const WHOLE_CHAT = 32 * KB;

const { loaders, chat } = widgetFiles(new URL('../../dist/', import.meta.url).pathname);
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

describe('widget size budget', () => {
  it('builds the chat as its own module', () => {
    assert.ok(chat.some((path) => path.endsWith('/tipsy-chat-panel.mjs')), `no tipsy-chat-panel.mjs among ${chat.join(', ')}`);
  });

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
