/**
 * The element's string properties and the attributes they mirror:
 * `[attribute, default, ...the other values it may take]`. The attribute is
 * the one place a value lives, so a page may set either and read either. A
 * missing attribute reads as the default; so does, where the values are
 * listed, any other value: `mode` and `theme` read only as one of theirs.
 * `lang` is the standard attribute, watched here so a change re-resolves the
 * widget's language (widget/i18n); `strings` holds JSON (an object set on the
 * property is written as JSON).
 */
export const STRING_PROPERTIES = {
  siteKey: ['site-key', ''],
  character: ['character'],
  server: ['server'],
  mode: ['mode', 'launcher', 'inline'],
  theme: ['theme', 'auto', 'light', 'dark'],
  placeholder: ['placeholder', 'Type a message…'],
  lang: ['lang', ''],
  strings: ['strings'],
  userId: ['user-id'],
  userHash: ['user-hash'],
  userName: ['user-name'],
  characterName: ['character-name'],
  characterAvatar: ['character-avatar'],
  characterGreeting: ['character-greeting'],
  characterPersona: ['character-persona'],
} as const satisfies Record<string, readonly [attribute: string, fallback?: string, ...values: string[]]>;

/** The values a listed property reads as: its default and the others. */
type ValuesOf<P extends keyof typeof STRING_PROPERTIES> = (typeof STRING_PROPERTIES)[P] extends readonly [string, ...infer V extends string[]]
  ? V[number]
  : never;
export type ChatMode = ValuesOf<'mode'>;
export type ChatTheme = ValuesOf<'theme'>;

/** Every attribute the element reacts to: the string ones, `open` and `sound`. */
export const OBSERVED_ATTRIBUTES = ['open', 'sound', ...Object.values(STRING_PROPERTIES).map(([attribute]) => attribute)];

/**
 * Hands values a page set on the element before `<tipsy-chat>` was defined to
 * the accessors: until then they are plain properties of the element, hiding
 * the accessors of its class.
 */
export function adoptEarlyProperties(element: HTMLElement): void {
  for (const property of ['isOpen', ...Object.keys(STRING_PROPERTIES)]) {
    if (!element.hasOwnProperty(property)) continue;
    const value: unknown = Reflect.get(element, property);
    Reflect.deleteProperty(element, property);
    Reflect.set(element, property, value);
  }
}

/** Defines a getter and setter over its attribute for each string property. */
export function defineStringProperties(target: { prototype: HTMLElement }): void {
  for (const [property, [attribute, fallback, ...values]] of Object.entries(STRING_PROPERTIES) as [
    string,
    readonly [string, string?, ...string[]],
  ][]) {
    Object.defineProperty(target.prototype, property, {
      get(this: HTMLElement) {
        const value = this.getAttribute(attribute);
        return values.length && value !== null && !values.includes(value) ? fallback : (value ?? fallback);
      },
      set(this: HTMLElement, value: string | object | null | undefined) {
        if (value == null) this.removeAttribute(attribute);
        else this.setAttribute(attribute, typeof value == 'object' ? JSON.stringify(value) : value);
      },
      configurable: true,
    });
  }
}
