import type { TranslatedLocale } from './locales.js';
import type { Strings } from './strings.js';

/** A locale's module: its whole table. */
export interface LocaleModule {
  default: Strings;
}

const IMPORTS: Record<TranslatedLocale, () => Promise<LocaleModule>> = {
  es: () => import('./locales/es.js'),
  fr: () => import('./locales/fr.js'),
  de: () => import('./locales/de.js'),
  pt: () => import('./locales/pt.js'),
  ja: () => import('./locales/ja.js'),
  ar: () => import('./locales/ar.js'),
  he: () => import('./locales/he.js'),
};

/**
 * Imports a locale's strings from source, for the tests and for an app that
 * bundles the widget itself. The script-tag build fetches the built files
 * instead (./locale-urls.ts, swapped in by vite.config.ts).
 */
export const importLocale = (locale: TranslatedLocale, _element: { server?: string }): Promise<LocaleModule> => IMPORTS[locale]();
