/**
 * The card macros, resolved on the server before any text reaches a model or a
 * visitor: `{{char}}`, `{{user}}`, `{{random:a,b,…}}` and `{{roll:N}}` (also
 * `{{roll:dN}}`). Unknown macros are left as written. `random` picks from the
 * given function, so a caller can make it deterministic (tests, the simulated voice).
 */
export interface MacroContext {
  char: string;
  /** The verified user's name; "you" when there is none. */
  user?: string | null;
  random?: () => number;
}

const MACRO = /\{\{\s*(char|user|random|roll)\s*(?::([^{}]*))?\}\}/gi;

export function resolveMacros(text: string, context: MacroContext): string {
  const random = context.random ?? Math.random;
  return text.replace(MACRO, (whole, name: string, argument: string | undefined) => {
    switch (name.toLowerCase()) {
      case 'char':
        return argument === undefined ? context.char : whole;
      case 'user':
        return argument === undefined ? context.user?.trim() || 'you' : whole;
      case 'random': {
        const choices = (argument ?? '').split(',').map((choice) => choice.trim());
        return argument === undefined ? whole : (choices[Math.floor(random() * choices.length)] ?? '');
      }
      case 'roll': {
        const sides = Number(/^\s*d?(\d{1,9})\s*$/i.exec(argument ?? '')?.[1]);
        return sides >= 1 ? String(1 + Math.floor(random() * sides)) : whole;
      }
      default:
        return whole;
    }
  });
}
