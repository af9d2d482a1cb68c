import type { CharacterBook, LorebookEntry } from './character-book.js';
import { anyMatches, keyMatchers, scanTextOf, type KeyMatcher, type ScanText } from './lorebook-keys.js';
import { resolveMacros, type MacroContext } from './macros.js';

/**
 * Which lorebook entries go into a prompt, as Character Card V2 defines it
 * and SillyTavern behaves: pure, no I/O.
 *
 * - Only enabled entries; `constant` ones always.
 * - Others trigger when one of their `keys` occurs in the latest `scan_depth`
 *   messages (lorebook-keys.ts: substrings, case-insensitive unless
 *   `case_sensitive`; V3 `use_regex` keys as guarded regular expressions).
 *   `selective` entries also need one of their `secondary_keys` (without any,
 *   `selective` changes nothing).
 * - `recursive_scanning`: triggered entries' content is scanned too, for up
 *   to RECURSION_ROUNDS more rounds.
 * - The budget (`token_budget`, ~4 characters a token) admits entries by
 *   priority, highest first (same priority: lower `insertion_order` first);
 *   the first that would pass it, and every one after, is left out. The kept
 *   ones come out by `insertion_order`, lowest first (closest to the top).
 */

/** Messages scanned when the book sets no `scan_depth`. */
export const DEFAULT_SCAN_DEPTH = 10;
/** Tokens the entries may take when the book sets no `token_budget` (and the caller gives no default). */
export const DEFAULT_TOKEN_BUDGET = 1_000;
/** The most of the conversation scanned for keys: its latest characters. */
export const SCAN_MAX_CHARS = 20_000;
/** The most of the triggered entries' content scanned again, per round, with `recursive_scanning`. */
export const RECURSIVE_SCAN_MAX_CHARS = 20_000;
/** Rounds of recursive scanning after the first. */
export const RECURSION_ROUNDS = 3;
/** Characters a token is counted as. */
export const CHARS_PER_TOKEN = 4;

export type LorebookPosition = 'before_char' | 'after_char';

export interface InsertedEntry {
  /** Its index in the book's `entries`. */
  index: number;
  entry: LorebookEntry;
  /** Its content, macros resolved. */
  content: string;
  position: LorebookPosition;
}

export interface LorebookScan {
  book: CharacterBook;
  /** The recent messages' text, oldest first. */
  messages: readonly string[];
  macros: MacroContext;
  /** The budget in tokens when the book sets none (DEFAULT_TOKEN_BUDGET otherwise). */
  defaultTokenBudget?: number;
}

export const tokensOf = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

/** `after_char` (or 1, as SillyTavern writes it) goes after the character's definition; anything else before. */
export function positionOf(entry: Pick<LorebookEntry, 'position'>): LorebookPosition {
  return entry.position === 'after_char' || entry.position === 1 ? 'after_char' : 'before_char';
}

/** The entries to insert, within the budget, in insertion order. */
export function scanLorebook(scan: LorebookScan): InsertedEntry[] {
  const triggered = triggeredEntries(scan);
  const budget = scan.book.token_budget ?? scan.defaultTokenBudget ?? DEFAULT_TOKEN_BUDGET;
  return withinBudget(triggered, budget).sort(byInsertionOrder);
}

/** Every entry the scan triggers, before the budget, in book order (content resolved). */
export function triggeredEntries({ book, messages, macros }: Pick<LorebookScan, 'book' | 'messages' | 'macros'>): InsertedEntry[] {
  const depth = book.scan_depth ?? DEFAULT_SCAN_DEPTH;
  const conversation = depth > 0 ? messages.slice(-depth).join('\n').slice(-SCAN_MAX_CHARS) : '';
  const candidates = book.entries.flatMap((entry, index) => (entry.enabled === false ? [] : [compile(entry, index)]));

  const found = new Map<number, InsertedEntry>();
  const take = (candidate: Candidate) =>
    found.set(candidate.index, {
      index: candidate.index,
      entry: candidate.entry,
      content: resolveMacros(candidate.entry.content, macros),
      position: positionOf(candidate.entry),
    });
  for (const candidate of candidates) if (candidate.entry.constant) take(candidate);

  const regexClock = { spentMs: 0 };
  let text = scanTextOf([{ text: conversation, keep: 'end' }], regexClock);
  const rounds = book.recursive_scanning ? 1 + RECURSION_ROUNDS : 1;
  for (let round = 0; round < rounds; round++) {
    const fresh = candidates.filter((c) => !found.has(c.index) && c.triggersOn(text));
    fresh.forEach(take);
    if (!book.recursive_scanning || (fresh.length === 0 && round > 0)) break;
    // The next round scans the conversation and everything triggered so far.
    const contents = [...found.values()].map((e) => e.content).join('\n').slice(0, RECURSIVE_SCAN_MAX_CHARS);
    text = scanTextOf(
      [
        { text: conversation, keep: 'end' },
        { text: contents, keep: 'start' },
      ],
      regexClock,
    );
  }
  return [...found.values()].sort((a, b) => a.index - b.index);
}

interface Candidate {
  index: number;
  entry: LorebookEntry;
  triggersOn(text: ScanText): boolean;
}

function compile(entry: LorebookEntry, index: number): Candidate {
  const primary: KeyMatcher[] = keyMatchers(entry, entry.keys);
  const secondary: KeyMatcher[] = entry.selective ? keyMatchers(entry, entry.secondary_keys) : [];
  return {
    index,
    entry,
    triggersOn: (text) => anyMatches(primary, text) && (secondary.length === 0 || anyMatches(secondary, text)),
  };
}

/** Admits entries by priority (then insertion order, then book order) until the first that would pass the budget. */
function withinBudget(entries: readonly InsertedEntry[], budgetTokens: number): InsertedEntry[] {
  const byPreference = [...entries].sort(
    (a, b) => (b.entry.priority ?? 0) - (a.entry.priority ?? 0) || byInsertionOrder(a, b),
  );
  const kept: InsertedEntry[] = [];
  let used = 0;
  for (const entry of byPreference) {
    used += tokensOf(entry.content);
    if (used > budgetTokens) break;
    kept.push(entry);
  }
  return kept;
}

function byInsertionOrder(a: InsertedEntry, b: InsertedEntry): number {
  return (a.entry.insertion_order ?? 0) - (b.entry.insertion_order ?? 0) || a.index - b.index;
}
