import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { LOCALE_FILE } from '../../server/http/chat-module.js';

export interface Size {
  raw: number;
  gzip: number;
  brotli: number;
}

/** What a file weighs on the wire: raw, gzip -9 and brotli (quality 11). */
export function sizeOf(path: string): Size {
  const bytes = readFileSync(path);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** What several files weigh together, each compressed on its own (as each is its own request). */
export function sizeOfAll(paths: string[]): Size {
  return paths.map(sizeOf).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }));
}

/**
 * The chat's modules fetched only when needed: the Markdown renderer, the first time a character
 * writes Markdown; the visitor's conversations, the first time they start a new one, open the list or
 * delete the one shown.
 */
const ON_DEMAND = /^tipsy-chat-(markdown-view|conversation-list)-/;

/**
 * The built widget in `dist`: the loaders a page embeds, the chat's modules, fetched when it opens,
 * the modules the chat fetches only when needed (`onDemand`), and the language files (one fetched,
 * besides the chat, only when the page speaks that language).
 */
export function widgetFiles(dist: string): { loaders: { classic: string; module: string }; chat: string[]; onDemand: string[]; locales: string[] } {
  const loaders = { classic: join(dist, 'tipsy-chat.js'), module: join(dist, 'tipsy-chat.mjs') };
  const modules = readdirSync(dist).filter((name) => name.endsWith('.mjs') && name !== 'tipsy-chat.mjs');
  const paths = (names: string[]) => names.map((name) => join(dist, name));
  // Every other module in dist/ belongs to the chat (its entry and any chunk it imports): the whole chat in English.
  const chat = paths(modules.filter((name) => !LOCALE_FILE.test(name) && !ON_DEMAND.test(name)));
  return { loaders, chat, onDemand: paths(modules.filter((name) => ON_DEMAND.test(name))), locales: paths(modules.filter((name) => LOCALE_FILE.test(name))) };
}
