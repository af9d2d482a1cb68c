import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

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

/** The built widget in `dist`: the loaders a page embeds, and the chat's modules, fetched when it opens. */
export function widgetFiles(dist: string): { loaders: { classic: string; module: string }; chat: string[] } {
  const loaders = { classic: join(dist, 'tipsy-chat.js'), module: join(dist, 'tipsy-chat.mjs') };
  // Every other module in dist/ belongs to the chat (its entry and any chunk it imports).
  const chat = readdirSync(dist)
    .filter((name) => name.endsWith('.mjs') && name !== 'tipsy-chat.mjs')
    .map((name) => join(dist, name));
  return { loaders, chat };
}
