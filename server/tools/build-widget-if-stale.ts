/**
 * `npm start` runs this first: builds the widget when dist/ is missing or
 * older than its sources, so a fresh clone starts with one command.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const root = new URL('../../', import.meta.url).pathname;
// The loader and the chat module it fetches: one build writes both (vite.config.ts).
const outputs = ['dist/tipsy-chat.js', 'dist/tipsy-chat.mjs', 'dist/tipsy-chat-panel.mjs', 'dist-studio/tipsy-studio.mjs'].map((p) => join(root, p));
const sources = ['widget', 'studio', 'server/protocol', 'server/trpc', 'vite.config.ts', 'vite.studio.config.ts'].map((p) => join(root, p));

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const built = outputs.every((path) => existsSync(path));
if (built && Math.min(...outputs.map(newestMtime)) >= Math.max(...sources.map(newestMtime))) {
  console.log('Widget is up to date (dist/).');
} else {
  console.log('Building the widget…');
  await build({ root, logLevel: 'warn' });
  await build({ root, logLevel: 'warn', configFile: join(root, 'vite.studio.config.ts') });
  console.log('Widget built into dist/.');
}
