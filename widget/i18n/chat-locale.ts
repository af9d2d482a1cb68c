import type { LocaleState } from './element-locale.js';
import { chatEn, type Strings, type Translate } from './strings.js';
import { translator } from './translate.js';

/** The chat's words: `<tipsy-chat>` resolves the locale and fetches its table; the chat adds its English under it. */
export interface ChatWords {
  readonly t: Translate;
  /** A number as the locale writes it (Intl.NumberFormat: 4,000, 4.000, ٤٬٠٠٠). */
  number(value: number): string;
}

/**
 * The words of one element's chat, rebuilt only when the element's locale
 * state changes (a table arrived, `lang` or `strings` changed): every lookup
 * in between is a property read.
 */
export class ChatLocale implements ChatWords {
  #state?: LocaleState;
  #table = chatEn as unknown as Strings;
  #numbers?: Intl.NumberFormat;

  readonly #current: () => LocaleState;

  /** `current` reads the element's state (TipsyChat.i18n). */
  constructor(current: () => LocaleState) {
    this.#current = current;
  }

  /** The element's state now. */
  get state(): LocaleState {
    const state = this.#current();
    if (state !== this.#state) {
      this.#state = state;
      // The launcher's words come with the state, in English at least: the table is whole.
      this.#table = { ...chatEn, ...state.strings } as Strings;
      this.#numbers = undefined;
    }
    return state;
  }

  readonly t: Translate = translator(() => this.state && this.#table);

  number(value: number): string {
    const { locale } = this.state;
    return (this.#numbers ??= new Intl.NumberFormat(locale)).format(value);
  }
}
