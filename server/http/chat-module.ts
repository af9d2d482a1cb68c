import { createHash } from 'node:crypto';

/** The chat module's file in the built widget: the loader asks for it by version. */
export const CHAT_FILE = 'tipsy-chat-panel.mjs';

/** A chat module's version: its content hash, which the build writes into the loader and the server checks. */
export function chatModuleVersion(code: string | Uint8Array): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 12);
}

/** A language's strings in the built widget (`tipsy-chat-locale-es.mjs`): the loader asks for it by version too. */
export const localeFile = (locale: string): string => `tipsy-chat-locale-${locale}.mjs`;

/** Any locale's file name. */
export const LOCALE_FILE = /^tipsy-chat-locale-[a-z]{2}\.mjs$/;

/**
 * The language files' version: one hash of them all, in file name order, so the loader names
 * every one with a single version (`tipsy-chat-locale-es.mjs?v=…`) and stays small.
 */
export function localesVersion(files: Iterable<readonly [name: string, code: string | Uint8Array]>): string {
  const hash = createHash('sha256');
  for (const [, code] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(code);
  return hash.digest('hex').slice(0, 12);
}
