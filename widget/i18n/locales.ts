/**
 * The languages the widget speaks. English is built in; each other one is a
 * module of its own (./locales/<locale>.ts, built as dist/tipsy-chat-locale-<locale>.mjs),
 * fetched only when a page needs it.
 */
export const LOCALES = ['en', 'es', 'fr', 'de', 'pt', 'ja', 'ar', 'he'] as const;

export type Locale = (typeof LOCALES)[number];
export type TranslatedLocale = Exclude<Locale, 'en'>;

/** Written right to left: the widget's own elements get dir="rtl". */
export const isRtl = (locale: Locale): boolean => locale === 'ar' || locale === 'he';

/**
 * The element's language: its own `lang`, else its closest ancestor's, else the page's; only
 * when none says one, the browser's preferred languages. Tags match by their language subtag
 * (`pt-BR` is `pt`); a language the widget does not speak is English.
 */
export function resolveLocale(element: Element): Locale {
  // An empty lang says "unknown": the page's, then the browser's, are asked instead.
  const tag = (element.closest('[lang]') as HTMLElement | null)?.lang || document.documentElement.lang;
  for (const candidate of tag ? [tag] : navigator.languages) {
    const language = candidate.split(/[-_]/)[0]!.toLowerCase() as Locale;
    if (LOCALES.includes(language)) return language;
  }
  return 'en';
}
