/**
 * What a host page downloads: the built widget's files, raw, gzip and brotli.
 * Run: npm run bench -- widget-weight
 */
import { execSync } from 'node:child_process';
import { saveResults } from './lib/results.js';
import { sizeOf } from './lib/sizes.js';
import { printTable } from './lib/stats.js';

const root = new URL('../', import.meta.url).pathname;
console.log('Building the widget…');
execSync('npx vite build --logLevel warn', { cwd: root, stdio: 'inherit' });
const files = ['dist/tipsy-chat.js', 'dist/tipsy-chat.mjs'];
const sizes = Object.fromEntries(files.map((f) => [f, sizeOf(`${root}${f}`)]));
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log('\nWidget weight\n');
printTable(files.map((f) => ({ file: f, raw: kb(sizes[f]!.raw), gzip: kb(sizes[f]!.gzip), brotli: kb(sizes[f]!.brotli) })));
console.log(`\nSaved ${saveResults('widget-weight', sizes)}`);
