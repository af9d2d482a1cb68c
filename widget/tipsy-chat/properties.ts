/**
 * The element's string properties and the attributes they mirror. The
 * attribute is the one place a value lives, so a page may set either and
 * read either; a missing attribute reads as its default.
 */
export const STRING_PROPERTIES = {
  siteKey: ['site-key', ''],
  character: ['character'],
  server: ['server'],
  mode: ['mode', 'launcher'],
  theme: ['theme', 'auto'],
  placeholder: ['placeholder', 'Type a message…'],
  userId: ['user-id'],
  userHash: ['user-hash'],
  userName: ['user-name'],
  characterName: ['character-name'],
  characterAvatar: ['character-avatar'],
  characterGreeting: ['character-greeting'],
  characterPersona: ['character-persona'],
} as const satisfies Record<string, readonly [attribute: string, fallback?: string]>;

/** Every attribute the element reacts to: the string ones and `open`. */
export const OBSERVED_ATTRIBUTES = ['open', ...Object.values(STRING_PROPERTIES).map(([attribute]) => attribute)];

/**
 * Hands values a page set on the element before `<tipsy-chat>` was defined to
 * the accessors: until then they are plain properties of the element, hiding
 * the accessors of its class.
 */
export function adoptEarlyProperties(element: HTMLElement): void {
  for (const property of ['isOpen', ...Object.keys(STRING_PROPERTIES)]) {
    if (!Object.prototype.hasOwnProperty.call(element, property)) continue;
    const value: unknown = Reflect.get(element, property);
    Reflect.deleteProperty(element, property);
    Reflect.set(element, property, value);
  }
}

/** Defines a getter and setter over its attribute for each string property. */
export function defineStringProperties(target: { prototype: HTMLElement }): void {
  for (const [property, [attribute, fallback]] of Object.entries(STRING_PROPERTIES) as [string, readonly [string, string?]][]) {
    Object.defineProperty(target.prototype, property, {
      get(this: HTMLElement) {
        return this.getAttribute(attribute) ?? fallback;
      },
      set(this: HTMLElement, value: string | null | undefined) {
        if (value == null) this.removeAttribute(attribute);
        else this.setAttribute(attribute, value);
      },
      configurable: true,
    });
  }
}
