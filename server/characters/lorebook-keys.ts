import type { LorebookEntry } from './character-book.js';

/**
 * How a lorebook entry's keys are matched against scanned text. Plain keys
 * match as substrings (the Character Card V2 rule: "dragon" also matches
 * "dragonfly"), case-insensitively unless the entry is `case_sensitive`.
 * V3 `use_regex` keys are regular expressions, guarded because a book is
 * scanned on every reply and its text comes from visitors.
 */

/** The longest regex key compiled (longer ones never match). */
export const REGEX_KEY_MAX_CHARS = 200;
/** Regex keys see only this much of each scanned text: its most recent part (bounds backtracking). */
export const REGEX_SCAN_MAX_CHARS = 2_000;
/**
 * The most unbounded quantifiers (`*`, `+`, `{n,}`) a regex key may hold. With one, the worst case
 * is quadratic in the text (a few ms over REGEX_SCAN_MAX_CHARS); two side by side (`\s*\s*x`) is
 * cubic, over a second.
 */
export const REGEX_MAX_UNBOUNDED = 1;
/** Regex keys of one scan stop matching once they have taken this long in all (a book of many slow keys). */
export const REGEX_SCAN_BUDGET_MS = 20;
/** A `{n,m}` this wide counts as unbounded. */
const WIDE_REPEAT = 10;

/** The time one scan's regex keys have taken, shared by its rounds. */
export interface RegexClock {
  spentMs: number;
}

/** What a scan looks at: the whole text for plain keys, and its parts (each clipped) for regex keys. */
export interface ScanText {
  raw: string;
  lower: string;
  /** Each scanned part (the conversation, each entry scanned recursively), clipped to REGEX_SCAN_MAX_CHARS. */
  regexParts: readonly string[];
  regexClock: RegexClock;
}

export function scanTextOf(parts: readonly { text: string; keep: 'end' | 'start' }[], regexClock: RegexClock = { spentMs: 0 }): ScanText {
  const raw = parts.map((p) => p.text).join('\n');
  return {
    raw,
    lower: raw.toLowerCase(),
    regexClock,
    regexParts: parts.map(({ text, keep }) =>
      text.length <= REGEX_SCAN_MAX_CHARS ? text : keep === 'end' ? text.slice(-REGEX_SCAN_MAX_CHARS) : text.slice(0, REGEX_SCAN_MAX_CHARS),
    ),
  };
}

export type KeyMatcher = (text: ScanText) => boolean;

/** One matcher per key; blank keys are dropped (they would match everything). */
export function keyMatchers(entry: Pick<LorebookEntry, 'case_sensitive' | 'use_regex'>, keys: readonly string[] | undefined): KeyMatcher[] {
  return (keys ?? []).filter((key) => key.trim()).map((key) => (entry.use_regex ? regexMatcher(key, entry.case_sensitive) : plainMatcher(key, entry.case_sensitive)));
}

export const anyMatches = (matchers: readonly KeyMatcher[], text: ScanText): boolean => matchers.some((match) => match(text));

function plainMatcher(key: string, caseSensitive: boolean | undefined): KeyMatcher {
  const wanted = key.trim();
  if (caseSensitive) return (text) => text.raw.includes(wanted);
  const lower = wanted.toLowerCase();
  return (text) => text.lower.includes(lower);
}

/**
 * `/pattern/flags` as written (its flags decide the case), or a bare pattern
 * (case-insensitive unless `case_sensitive`). Only the i, m, s and u flags are
 * kept (g and y would make a test stateful). A key that is too long, does not
 * compile, or could backtrack badly never matches; nor does any once the
 * scan's regex keys have used REGEX_SCAN_BUDGET_MS.
 */
function regexMatcher(key: string, caseSensitive: boolean | undefined): KeyMatcher {
  // Compiled on first use, and timed with the matching: a book may hold many keys a scan never reaches.
  let pattern: RegExp | null | undefined;
  return (text) => {
    if (text.regexClock.spentMs >= REGEX_SCAN_BUDGET_MS) return false;
    const started = performance.now();
    try {
      if (pattern === undefined) pattern = compileKey(key, caseSensitive);
      const compiled = pattern;
      return compiled !== null && text.regexParts.some((part) => compiled.test(part));
    } finally {
      text.regexClock.spentMs += performance.now() - started;
    }
  };
}

function compileKey(key: string, caseSensitive: boolean | undefined): RegExp | null {
  const written = /^\/(.+)\/([a-z]*)$/s.exec(key.trim());
  const source = written ? written[1]! : key.trim();
  const flags = written ? [...new Set(written[2]!.replace(/[^imsu]/g, ''))].join('') : caseSensitive ? 'u' : 'iu';
  if (source.length > REGEX_KEY_MAX_CHARS || !isTamePattern(source)) return null;
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/**
 * Whether a pattern stays clear of catastrophic backtracking, by its shape: no
 * backreferences, no unbounded repeat of a group that itself repeats without
 * bound or holds an alternation (`(a+)+`, `(a|ab)*`), and at most
 * REGEX_MAX_UNBOUNDED unbounded quantifiers in all. Conservative: a few safe
 * patterns are refused too.
 */
export function isTamePattern(source: string): boolean {
  const groups: { repeats: boolean; alternates: boolean }[] = [{ repeats: false, alternates: false }];
  let unbounded = 0;
  let i = 0;
  /** Reads the quantifier at i, if any: whether it is unbounded. */
  const quantifier = (): boolean | undefined => {
    const char = source[i];
    if (char === '*' || char === '+') return (i++, true);
    if (char === '?') return (i++, false);
    if (char === '{') {
      const repeat = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!repeat) return undefined;
      i += repeat[0].length;
      return repeat[2] !== undefined && (repeat[3] === '' || Number(repeat[3]) - Number(repeat[1]) > WIDE_REPEAT);
    }
    return undefined;
  };
  const afterAtom = (groupRepeats: boolean, groupAlternates: boolean): boolean => {
    const isUnbounded = quantifier();
    if (isUnbounded === undefined) return true;
    if (source[i] === '?') i++; // lazy
    if (!isUnbounded) return true;
    if (groupRepeats || groupAlternates) return false;
    unbounded++;
    groups.at(-1)!.repeats = true;
    return unbounded <= REGEX_MAX_UNBOUNDED;
  };
  while (i < source.length) {
    const char = source[i]!;
    if (char === '\\') {
      if (/[1-9k]/.test(source[i + 1] ?? '')) return false; // a backreference
      i += 2;
      if (!afterAtom(false, false)) return false;
    } else if (char === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
      if (!afterAtom(false, false)) return false;
    } else if (char === '(') {
      groups.push({ repeats: false, alternates: false });
      i++;
      if (source[i] === '?') i += source[i + 1] === '<' && /[=!]/.test(source[i + 2] ?? '') ? 3 : 2;
    } else if (char === ')') {
      const group = groups.pop();
      if (!group || groups.length === 0) return false;
      i++;
      if (!afterAtom(group.repeats, group.alternates)) return false;
      // What a group holds counts for the groups around it: ((a+)b)* nests a repeat too.
      if (group.repeats) groups.at(-1)!.repeats = true;
      if (group.alternates) groups.at(-1)!.alternates = true;
    } else if (char === '|') {
      groups.at(-1)!.alternates = true;
      i++;
    } else {
      i++;
      if (!afterAtom(false, false)) return false;
    }
  }
  return groups.length === 1;
}
