/**
 * The oldest browsers docs/embedding.md promises, checked on every build: the
 * built widget must use no syntax they lack. A change that needs newer
 * browsers (a static class field compiled to a static block, say) fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { transformSync } from 'esbuild';
import { widgetFiles } from '../../bench/lib/sizes.js';

const OLDEST = ['chrome91', 'edge91', 'firefox90', 'safari15'];

const { loaders, chat, onDemand, locales } = widgetFiles(new URL('../../dist/', import.meta.url).pathname);

describe('widget browser baseline', () => {
  for (const file of [loaders.classic, loaders.module, ...chat, ...onDemand, ...locales]) {
    it(`${file.split('/').pop()} runs as it is in ${OLDEST.join(', ')}`, () => {
      const code = readFileSync(file, 'utf8');
      // Lowered for those browsers, the code changes only if it uses something they cannot run.
      const as = (target: string | string[]) => transformSync(code, { target, minifyWhitespace: true }).code;
      assert.ok(as(OLDEST) === as('esnext'), `${file} uses syntax newer than ${OLDEST.join(', ')}`);
    });
  }
});
