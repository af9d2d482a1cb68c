import type { LocaleModule } from './locale-imports.js';
import type { TranslatedLocale } from './locales.js';

/** The language files and their version, `*` standing for the locale (`tipsy-chat-locale-*.mjs?v=…`): set when the loader is built (vite.config.ts). */
declare const TIPSY_LOCALE_FILE: string;

// The loader's own URL, read as it first runs (as widget/loader.ts does): the locale files are next to it.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || import.meta.url;

/**
 * The script-tag build's ./locale-imports.ts (vite.config.ts swaps it in): fetches
 * a locale's built file from next to the loader, or, without the loader's URL,
 * from the chat server's /widget/, as the chat module is.
 */
export const importLocale = (locale: TranslatedLocale, element: { server?: string }): Promise<LocaleModule> =>
  import(
    /* @vite-ignore */ new URL(
      TIPSY_LOCALE_FILE.replace('*', locale),
      scriptUrl || new URL('/widget/', element.server || location.origin),
    ).href
  );
