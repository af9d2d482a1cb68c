/**
 * The widget's weight is a budget, checked on every build: a change that makes
 * host pages download more fails here, not in production.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sizeOf } from '../../bench/lib/sizes.js';

const KB = 1024;
/** Gzip budgets for what a host page downloads (the whole chat today; see docs/performance.md). */
const BUDGETS = {
  'dist/tipsy-chat.js': 36 * KB,
  'dist/tipsy-chat.mjs': 36 * KB,
};

describe('widget size budget', () => {
  for (const [file, budget] of Object.entries(BUDGETS)) {
    it(`${file} stays within ${budget / KB} KB gzip`, () => {
      const size = sizeOf(new URL(`../../${file}`, import.meta.url).pathname);
      assert.ok(size.gzip <= budget, `${file} is ${(size.gzip / KB).toFixed(1)} KB gzip, over its ${budget / KB} KB budget`);
    });
  }
});
