/**
 * The card macros, resolved on the server before any text reaches a model or a
 * visitor: `{{char}}`, `{{user}}`, `{{random:a,b,…}}` (also SillyTavern's
 * `{{random::a::b}}`) and `{{roll:N}}` (also `{{roll:dN}}`, `{{roll:MdN}}`,
 * `{{roll:MdN+K}}`). Names are case-insensitive; unknown or malformed macros
 * are left as written. Resolution is one pass: a name that holds `{{…}}` stays
 * as it is. `random` picks from the given function, so a caller can make it
 * deterministic (tests, the simulated voice).
 */
export interface MacroContext {
  char: string;
  /** The verified user's name; "you" when there is none. */
  user?: string | null;
  random?: () => number;
}

const MACRO = /\{\{\s*(char|user|random|roll)\s*(?::([^{}]*))?\}\}/gi;
/** `N`, `dN`, `MdN`, each with an optional `+K` or `-K`. */
const DICE = /^\s*(?:(\d{1,3})?d)?(\d{1,9})\s*(?:([+-])\s*(\d{1,9}))?\s*$/i;
/** The most dice one roll throws. */
const MAX_DICE = 100;

export function resolveMacros(text: string, context: MacroContext): string {
  const random = context.random ?? Math.random;
  return text.replace(MACRO, (whole, name: string, argument: string | undefined) => {
    switch (name.toLowerCase()) {
      case 'char':
        return argument === undefined ? context.char : whole;
      case 'user':
        return argument === undefined ? context.user?.trim() || 'you' : whole;
      case 'random': {
        if (argument === undefined) return whole;
        const choices = (argument.startsWith(':') ? argument.slice(1).split('::') : argument.split(',')).map((choice) => choice.trim());
        return choices[Math.floor(random() * choices.length)] ?? '';
      }
      case 'roll':
        return rollDice(argument ?? '', random) ?? whole;
      default:
        return whole;
    }
  });
}

function rollDice(notation: string, random: () => number): string | undefined {
  const dice = DICE.exec(notation);
  if (!dice) return undefined;
  const count = dice[1] === undefined ? 1 : Number(dice[1]);
  const sides = Number(dice[2]);
  if (count < 1 || count > MAX_DICE || sides < 1) return undefined;
  let total = 0;
  for (let i = 0; i < count; i++) total += 1 + Math.floor(random() * sides);
  const modifier = Number(dice[4] ?? 0);
  return String(dice[3] === '-' ? total - modifier : total + modifier);
}
