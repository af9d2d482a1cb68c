import type { StringKey, Strings, Translate } from './strings.js';

/**
 * `t(key, values?)` over whatever table `current` returns when called: the
 * table can change (a locale arrives) without handing out a new function.
 */
export function translator(current: () => Strings): Translate {
  return ((key: StringKey, values?: Record<string, string>) => {
    const template = current()[key];
    // A placeholder with no value (a page's template naming one that does not exist) stays as written.
    return values ? template.replace(/\{(\w+)\}/g, (slot, name: string) => values[name] ?? slot) : template;
  }) as Translate;
}
