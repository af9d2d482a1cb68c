/**
 * `npm start` runs this first: builds the widget when dist/ is missing or
 * older than its sources, so a fresh clone starts with one command.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const root = new URL('../../', import.meta.url).pathname;
const output = join(root, 'dist/tipsy-chat.js');
const sources = ['widget', 'server/protocol', 'server/trpc', 'vite.config.ts'].map((p) => join(root, p));

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

if (existsSync(output) && statSync(output).mtimeMs >= Math.max(...sources.map(newestMtime))) {
  console.log('Widget is up to date (dist/).');
} else {
  console.log('Building the widget…');
  await build({ root, logLevel: 'warn' });
  console.log('Widget built into dist/.');
}
