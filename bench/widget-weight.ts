/**
 * What a host page downloads, raw, gzip and brotli: before the visitor acts
 * (the loader alone), and once the chat opens (the loader and the chat's modules).
 * Run: npm run bench -- widget-weight
 */
import { execSync } from 'node:child_process';
import { basename } from 'node:path';
import { saveResults } from './lib/results.js';
import { sizeOf, sizeOfAll, widgetFiles, type Size } from './lib/sizes.js';
import { printTable } from './lib/stats.js';

const root = new URL('../', import.meta.url).pathname;
console.log('Building the widget…');
execSync('npx vite build --logLevel warn', { cwd: root, stdio: 'inherit' });

const { loaders, chat, onDemand, locales } = widgetFiles(`${root}dist`);
/** When each module fetched on demand comes, by its name. */
const WHEN_FETCHED: [string, string][] = [
  ['markdown-view', 'when a character first writes Markdown'],
  ['conversation-list', 'at New chat, Earlier chats or Delete this chat'],
];
const names = (paths: string[]) => paths.map((p) => basename(p)).join(' + ');
const rows: { when: string; files: string; size: Size }[] = [
  { when: 'before interaction', files: names([loaders.classic]), size: sizeOf(loaders.classic) },
  { when: 'before interaction', files: names([loaders.module]), size: sizeOf(loaders.module) },
  { when: 'whole chat', files: names([loaders.classic, ...chat]), size: sizeOfAll([loaders.classic, ...chat]) },
  { when: 'whole chat', files: names([loaders.module, ...chat]), size: sizeOfAll([loaders.module, ...chat]) },
  ...onDemand.map((file) => ({ when: WHEN_FETCHED.find(([name]) => basename(file).includes(name))?.[1] ?? 'on demand', files: basename(file), size: sizeOf(file) })),
  ...locales.map((file) => ({ when: 'when the page speaks that language', files: basename(file), size: sizeOf(file) })),
];

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log('\nWidget weight\n');
printTable(rows.map(({ when, files, size }) => ({ when, files, raw: kb(size.raw), gzip: kb(size.gzip), brotli: kb(size.brotli) })));
console.log(`\nSaved ${saveResults('widget-weight', rows)}`);
