import { clip } from '../../text.js';
import type { CharacterBook, LorebookEntry } from '../character-book.js';
import { keyMatchers, scanTextOf } from '../lorebook-keys.js';
import { triggeredEntries } from '../lorebook.js';
import { resolveMacros, type MacroContext } from '../macros.js';
import type { Exchange } from './example-dialogue.js';
import { cuePoints, cuesOf, significantWords } from './simulated-words.js';

/**
 * What the simulated character knows that answers a message: the lorebook
 * entry (or example exchange) most relevant to it, and the facts to state.
 *
 * An entry's relevance: the same key scan a prompt uses, run on the message
 * alone (3 points for each key found, more for longer ones), plus 2 points for
 * each of the message's words among the entry's keys, 1 for each among its
 * content, name and comment, and 1 for each kind of fact asked ("where", "when",
 * "how much", "how long") that the entry holds. An example exchange scores 2
 * for each word shared with what was asked there. The best scoring at least
 * MIN_SCORE answers, on a tie the lorebook first, then the lower insertion order.
 */

export const MIN_SCORE = 2;
/** Content up to this long is stated whole; longer content, by its most relevant sentences. */
export const WHOLE_FACT_CHARS = 280;
/** The words of an entry's content are weighed over its first this many characters (a reply reads every entry). */
export const SCORED_CONTENT_CHARS = 2_000;
const FACT_SENTENCES = 2;

export interface Recalled {
  /** What to say: the entry's facts, or the example's answer. */
  fact: string;
  from: 'lorebook' | 'example';
  score: number;
}

export interface RecallInput {
  book: CharacterBook | null;
  exchanges: readonly Exchange[];
  message: string;
  macros: MacroContext;
}

export function recall({ book, exchanges, message, macros }: RecallInput): Recalled | null {
  const words = significantWords(message);
  const cues = cuesOf(message);
  // Candidates come in order of preference: on a tie, the first one stays.
  let best: Recalled | null = null;
  const consider = (candidate: Recalled) => {
    if (candidate.score >= MIN_SCORE && candidate.fact.trim() && (!best || candidate.score > best.score)) best = candidate;
  };

  for (const scored of book ? scoreEntries(book, message, words, cues, macros) : []) {
    consider({ fact: statedFacts(scored.content, words, cues), from: 'lorebook', score: scored.score });
  }
  for (const exchange of exchanges) {
    const shared = [...significantWords(exchange.asked)].filter((word) => words.has(word)).length;
    if (shared === 0) continue;
    const answered = resolveMacros(exchange.answered, macros);
    const score = 2 * shared + cuePoints(cues, significantWords(answered), answered);
    consider({ fact: answered, from: 'example', score });
  }
  return best;
}

interface ScoredEntry {
  content: string;
  score: number;
}

/** Each enabled entry with content, scored; in order of preference on a tie (insertion order, then book order). */
function scoreEntries(book: CharacterBook, message: string, words: ReadonlySet<string>, cues: ReturnType<typeof cuesOf>, macros: MacroContext): ScoredEntry[] {
  // The prompt's scan, on this message alone: constant entries count only by their keys here.
  const scanned = { ...book, scan_depth: 1, recursive_scanning: false, entries: book.entries.map((entry) => ({ ...entry, constant: false })) };
  const triggered = new Set(triggeredEntries({ book: scanned, messages: [message], macros }).map((entry) => entry.index));
  const text = scanTextOf([{ text: message, keep: 'end' }]);

  // A stem is a prefix of the words it comes from ("story" less its y, of "stories"): an entry holding none of the
  // message's stems anywhere shares no word with it, and is passed over without splitting its text into words.
  const stems = [...words].map((word) => word.replace(/y$/, ''));
  const named = ` ${macros.char} ${macros.user ?? ''}`.toLowerCase();

  const scored = book.entries.flatMap((entry, index): (ScoredEntry & { insertion: number; index: number })[] => {
    if (entry.enabled === false || !entry.content.trim()) return [];
    const keysText = [...entry.keys, ...(entry.secondary_keys ?? [])].join(' ');
    const aboutText = [clip(entry.content, SCORED_CONTENT_CHARS), entry.name ?? '', entry.comment ?? ''].join(' ');
    const lower = `${keysText} ${aboutText}${entry.content.includes('{{') ? named : ''}`.toLowerCase();
    if (!triggered.has(index) && !stems.some((stem) => lower.includes(stem))) return [];
    const content = resolveMacros(entry.content, macros);
    let score = triggered.has(index) ? keyPoints(entry, text) : 0;
    const keyWords = significantWords(keysText);
    const contentWords = significantWords([clip(content, SCORED_CONTENT_CHARS), entry.name ?? '', entry.comment ?? ''].join(' '));
    for (const word of words) score += keyWords.has(word) ? 2 : contentWords.has(word) ? 1 : 0;
    if (score === 0) return [];
    score += cuePoints(cues, new Set([...keyWords, ...contentWords]), clip(content, SCORED_CONTENT_CHARS));
    return [{ content, score, insertion: entry.insertion_order ?? 0, index }];
  });
  return scored.sort((a, b) => a.insertion - b.insertion || a.index - b.index);
}

/** 3 points for each of the entry's keys found in the message, plus up to 5 for the longest found (longer keys say more). */
function keyPoints(entry: LorebookEntry, text: ReturnType<typeof scanTextOf>): number {
  const found = entry.keys.filter((key) => keyMatchers(entry, [key]).some((match) => match(text)));
  const longest = Math.max(0, ...found.map((key) => key.trim().length));
  return 3 * Math.max(1, found.length) + Math.min(5, longest / 4);
}

/** Short content whole; longer content by its most relevant sentences (in their order), so the answer stays a chat line. */
export function statedFacts(content: string, words: ReadonlySet<string>, cues: ReturnType<typeof cuesOf>): string {
  const flat = content.trim();
  if (flat.length <= WHOLE_FACT_CHARS) return flat;
  const sentences = flat.split(/(?<=[.!?…])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
  const ranked = sentences
    .map((sentence, index) => {
      const own = significantWords(sentence);
      const shared = [...words].filter((word) => own.has(word)).length;
      return { index, points: shared + cuePoints(cues, own, sentence) };
    })
    .sort((a, b) => b.points - a.points || a.index - b.index)
    .slice(0, FACT_SENTENCES)
    .sort((a, b) => a.index - b.index);
  const stated = ranked.map(({ index }) => sentences[index]!).join(' ');
  return stated.length > WHOLE_FACT_CHARS * 2 ? `${clip(stated, WHOLE_FACT_CHARS * 2 - 1).trimEnd()}…` : stated;
}
