import { importLocale } from './locale-imports.js';
import { isRtl, resolveLocale, type Locale } from './locales.js';
import { launcherEn, type LauncherStrings, type StringOverrides } from './strings.js';

/** What `<tipsy-chat>` speaks now, read by the launcher and handed to the chat. */
export interface LocaleState {
  readonly locale: Locale;
  /** Written right to left: the widget's own elements say dir="rtl" (else they inherit the page's). */
  readonly rtl: boolean;
  /** The launcher's English words, under the locale's whole table (once fetched) and the page's overrides. */
  readonly strings: LauncherStrings & StringOverrides;
}

/** What the locale is resolved for: the element, with its `strings` attribute and its server. */
interface LocaleHost extends Element {
  readonly strings?: string;
  readonly server?: string;
}

/** The page's `strings` JSON: its string values only (anything else would print as "[object Object]"). */
function overridesOf(json: string): StringOverrides {
  try {
    return Object.fromEntries(Object.entries(JSON.parse(json) as object).filter(([, value]) => typeof value == 'string'));
  } catch {
    return {};
  }
}

/**
 * The element's language and words: resolved again when the element connects
 * or its `lang` or `strings` change, its locale's table fetched when it is not
 * English. Until a table arrives the words stay what they were.
 */
export class ElementLocale {
  state: LocaleState = { locale: 'en', rtl: false, strings: launcherEn };
  /** Settles once the current locale's words are in `state` (never rejects: English stands in). */
  ready: Promise<void> = Promise.resolve();
  /** The locale and overrides `state` is (or is being) made of. */
  #source = '';

  readonly #host: LocaleHost;
  readonly #changed: () => void;

  constructor(host: LocaleHost, changed: () => void) {
    this.#host = host;
    this.#changed = changed;
  }

  refresh(): void {
    const locale = resolveLocale(this.#host);
    const overrides = this.#host.strings ?? '';
    const source = locale + overrides;
    if (source === this.#source) return;
    this.#source = source;
    // Every element asking for one locale gets the same module: the browser imports a URL once.
    // One that cannot be fetched (offline, blocked) leaves English.
    const table = locale === 'en' ? undefined : importLocale(locale, this.#host).catch(() => undefined);
    this.ready = Promise.resolve(table).then((module) => {
      if (source !== this.#source) return; // changed again meanwhile
      this.state = { locale, rtl: isRtl(locale), strings: { ...launcherEn, ...module?.default, ...overridesOf(overrides) } };
      this.#changed();
    });
  }
}
