/** The lorebook scan (server/characters/lorebook.ts): pure, so these call it directly, one rule at a time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CharacterBook, type LorebookEntry } from '../../server/characters/character-book.js';
import { isTamePattern, REGEX_SCAN_MAX_CHARS } from '../../server/characters/lorebook-keys.js';
import { DEFAULT_SCAN_DEPTH, scanLorebook, triggeredEntries } from '../../server/characters/lorebook.js';

type EntryInput = Partial<LorebookEntry> & { keys: string[]; content: string };

const bookOf = (entries: EntryInput[], settings: Partial<CharacterBook> = {}): CharacterBook => CharacterBook.parse({ ...settings, entries });
const macros = { char: 'Marlowe', user: 'Ada' };

/** The contents scanLorebook keeps, in the order it keeps them. */
function inserted(entries: EntryInput[], messages: string[], settings: Partial<CharacterBook> = {}): string[] {
  return scanLorebook({ book: bookOf(entries, settings), messages, macros }).map((entry) => entry.content);
}

describe('lorebook scanning', () => {
  it('inserts an entry whose key occurs in a recent message, case-insensitively, as a substring', () => {
    const entries = [
      { keys: ['Negroni'], content: 'The Negroni is 12.' },
      { keys: ['mojito'], content: 'No mojitos here.' },
    ];
    assert.deepEqual(inserted(entries, ['Is a NEGRONIS strong?']), ['The Negroni is 12.']);
    assert.deepEqual(inserted(entries, ['Just water.']), []);
  });

  it('matches case-sensitive entries only as written', () => {
    const entries = [{ keys: ['Fox'], content: 'The Tipsy Fox.', case_sensitive: true }];
    assert.deepEqual(inserted(entries, ['a fox ran by']), []);
    assert.deepEqual(inserted(entries, ['the Fox bar']), ['The Tipsy Fox.']);
  });

  it('leaves disabled entries out, and always puts constant ones in', () => {
    const entries = [
      { keys: ['gin'], content: 'Gin off.', enabled: false },
      { keys: [], content: 'Always here.', constant: true },
    ];
    assert.deepEqual(inserted(entries, ['gin please']), ['Always here.']);
    assert.deepEqual(inserted(entries, ['nothing to see']), ['Always here.']);
  });

  it('ignores blank keys, which would otherwise match everything', () => {
    assert.deepEqual(inserted([{ keys: ['', '  '], content: 'Blank.' }], ['anything']), []);
  });

  it('scans only the latest scan_depth messages (10 when unset)', () => {
    const entries = [{ keys: ['harbour'], content: 'The harbour.' }];
    const older = ['tell me about the harbour', ...Array.from({ length: 3 }, (_, i) => `filler ${i}`)];
    assert.deepEqual(inserted(entries, older, { scan_depth: 4 }), ['The harbour.']);
    assert.deepEqual(inserted(entries, older, { scan_depth: 3 }), []);
    assert.deepEqual(inserted(entries, older, { scan_depth: 0 }), [], 'depth 0 scans nothing');
    const defaultDepth = ['harbour', ...Array.from({ length: DEFAULT_SCAN_DEPTH }, (_, i) => `filler ${i}`)];
    assert.deepEqual(inserted(entries, defaultDepth), []);
    assert.deepEqual(inserted(entries, defaultDepth.slice(0, DEFAULT_SCAN_DEPTH)), ['The harbour.']);
  });

  it('needs one of the secondary keys too for a selective entry (none given: the keys alone)', () => {
    const entries = [
      { keys: ['tour'], secondary_keys: ['price', 'cost'], selective: true, content: 'The tour is 15.' },
      { keys: ['tour'], secondary_keys: [], selective: true, content: 'Tours on Saturdays.' },
    ];
    assert.deepEqual(inserted(entries, ['when is the tour?']), ['Tours on Saturdays.']);
    assert.deepEqual(inserted(entries, ['what does the tour cost?']), ['The tour is 15.', 'Tours on Saturdays.']);
    assert.deepEqual(inserted([{ keys: ['cost'], secondary_keys: ['tour'], selective: false, content: 'Any cost.' }], ['cost?']), ['Any cost.']);
  });

  it('matches use_regex keys written /pattern/flags, or bare (case-insensitive unless case_sensitive)', () => {
    const written = [{ keys: ['/\\bhappy\\s+hour\\b/i'], use_regex: true, content: 'Happy hour 5–7.' }];
    assert.deepEqual(inserted(written, ['When is HAPPY  hour?']), ['Happy hour 5–7.']);
    assert.deepEqual(inserted(written, ['unhappyhour']), []);
    const caseKept = [{ keys: ['/Fox/'], use_regex: true, content: 'Fox.' }];
    assert.deepEqual(inserted(caseKept, ['fox']), [], 'no i flag: case counts');
    const bare = [{ keys: ['neg(roni)?'], use_regex: true, content: 'Negroni.' }];
    assert.deepEqual(inserted(bare, ['A NEG please']), ['Negroni.']);
    assert.deepEqual(inserted([{ ...bare[0]!, case_sensitive: true }], ['A NEG please']), []);
  });

  it('never matches an invalid, too long or backtracking-prone regex key, and scans only the latest text with regex keys', () => {
    const entries = (key: string) => [{ keys: [key], use_regex: true, content: 'hit' }];
    assert.deepEqual(inserted(entries('/(unclosed/'), ['(unclosed']), []);
    // Books are parsed with keys of at most 200 characters; the scan bounds patterns itself too.
    const long: LorebookEntry = { keys: [`/${'a'.repeat(201)}/`], use_regex: true, content: 'hit', enabled: true, insertion_order: 0, extensions: {} };
    assert.deepEqual(scanLorebook({ book: { entries: [long], extensions: {} }, messages: ['a'.repeat(300)], macros }), []);
    const started = performance.now();
    assert.deepEqual(inserted(entries('/(a+)+$/'), [`${'a'.repeat(40)}!`]), []);
    assert.deepEqual(inserted(entries('/(a|aa)*b/'), ['a'.repeat(40)]), []);
    assert.ok(performance.now() - started < 200, 'refused, not run');
    const early = `needle ${'x'.repeat(REGEX_SCAN_MAX_CHARS)}`;
    assert.deepEqual(inserted(entries('needle'), [early]), [], 'beyond the regex window');
    assert.deepEqual(inserted([{ keys: ['needle'], content: 'hit' }], [early]), ['hit'], 'plain keys see it');
  });

  it('stops matching regex keys once a scan has spent its time on them', () => {
    const slow = Array.from({ length: 300 }, (_, i) => ({ keys: [`/\\s*q${i}$/`], use_regex: true, content: `slow ${i}` }));
    const hit = { keys: ['/zz$/'], use_regex: true, content: 'hit', insertion_order: 1 };
    const started = performance.now();
    const kept = inserted([...slow, hit], [`${' '.repeat(REGEX_SCAN_MAX_CHARS)}zz`]);
    const took = performance.now() - started;
    assert.deepEqual(kept, [], 'the last key comes after the budget is spent');
    assert.ok(took < 200, `bounded: ${took.toFixed(0)} ms (unbounded, 300 keys take ~600 ms)`);
    assert.deepEqual(inserted([hit], [`${' '.repeat(REGEX_SCAN_MAX_CHARS)}zz`]), ['hit'], 'alone, it matches');
  });

  it('tells tame patterns from those that could backtrack badly', () => {
    for (const tame of ['happy\\s+hour', '\\bgin\\b.*\\btonic\\b', '(cat|dog)s?', '[a-z]+@example', 'colou?r', 'a{2,5}', '(?:ab)+', '\\(x+\\)'])
      assert.equal(isTamePattern(tame), true, tame);
    for (const wild of ['(a+)+', '(a*)*b', '(a|ab)*', '((a+)b)*', '(\\w+\\s?)*$', 'a*a*a*b', '\\s*\\s*x', '[a-z]+@[a-z]+', '(x)\\1', 'a{1,}b{2,}c+', '(.{1,50})+']) assert.equal(isTamePattern(wild), false, wild);
  });

  it('scans triggered entries’ content for further keys with recursive_scanning (bounded rounds)', () => {
    const chain = [
      { keys: ['captain'], content: 'The captain hides a map.' },
      { keys: ['map'], content: 'The map shows the reef.' },
      { keys: ['reef'], content: 'The reef has a wreck.' },
      { keys: ['wreck'], content: 'The wreck holds gold.' },
      { keys: ['gold'], content: 'Gold buys rum.' },
      { keys: ['rum'], content: 'Rum, at last.' },
    ];
    assert.deepEqual(inserted(chain, ['the captain?']), ['The captain hides a map.']);
    const deep = inserted(chain, ['the captain?'], { recursive_scanning: true });
    assert.deepEqual(deep, chain.slice(0, 4).map((e) => e.content), 'one round from the conversation, then three more, then no further');
  });

  it('lets a constant entry’s content trigger others when scanning recursively', () => {
    const entries = [
      { keys: [], constant: true, content: 'Marlowe keeps a ledger.' },
      { keys: ['ledger'], content: 'The ledger is behind the bar.' },
    ];
    assert.deepEqual(inserted(entries, ['hi'], { recursive_scanning: true }), ['Marlowe keeps a ledger.', 'The ledger is behind the bar.']);
  });

  it('keeps the kept entries in insertion order, lowest first', () => {
    const entries = [
      { keys: ['a'], content: 'third', insertion_order: 30 },
      { keys: ['a'], content: 'first', insertion_order: 10 },
      { keys: ['a'], content: 'second', insertion_order: 20 },
      { keys: ['a'], content: 'also second, later in the book', insertion_order: 20 },
    ];
    assert.deepEqual(inserted(entries, ['a']), ['first', 'second', 'also second, later in the book', 'third']);
  });

  it('drops the lowest priority first when over the token budget (~4 characters a token), then the latest insertion order', () => {
    const twenty = (tag: string) => `${tag}${'.'.repeat(80 - tag.length)}`; // 80 characters: 20 tokens
    const entries = [
      { keys: ['x'], content: twenty('low'), priority: 1, insertion_order: 1 },
      { keys: ['x'], content: twenty('high'), priority: 9, insertion_order: 50 },
      { keys: ['x'], content: twenty('mid-early'), priority: 5, insertion_order: 5 },
      { keys: ['x'], content: twenty('mid-late'), priority: 5, insertion_order: 6 },
    ];
    const kept = (budget: number) => inserted(entries, ['x'], { token_budget: budget }).map((c) => c.replace(/\.+$/, ''));
    assert.deepEqual(kept(80), ['low', 'mid-early', 'mid-late', 'high']);
    assert.deepEqual(kept(79), ['mid-early', 'mid-late', 'high']);
    assert.deepEqual(kept(60), ['mid-early', 'mid-late', 'high']);
    assert.deepEqual(kept(59), ['mid-early', 'high']);
    assert.deepEqual(kept(20), ['high']);
    assert.deepEqual(kept(19), []);
  });

  it('counts constant entries against the budget, and uses the caller’s default budget when the book sets none', () => {
    const entries = [
      { keys: [], constant: true, content: 'c'.repeat(40), priority: 1 },
      { keys: ['y'], content: 'y'.repeat(40), priority: 2 },
    ];
    const book = bookOf(entries);
    assert.equal(scanLorebook({ book, messages: ['y'], macros, defaultTokenBudget: 10 }).length, 1);
    assert.equal(scanLorebook({ book, messages: ['y'], macros, defaultTokenBudget: 20 }).length, 2);
    assert.equal(scanLorebook({ book, messages: ['y'], macros }).length, 2, 'the default budget holds both');
  });

  it('places entries before or after the character by position', () => {
    const book = bookOf([
      { keys: ['k'], content: 'before', position: 'before_char' },
      { keys: ['k'], content: 'after', position: 'after_char' },
      { keys: ['k'], content: 'after, as SillyTavern numbers it', position: 1 },
      { keys: ['k'], content: 'unset: before' },
      { keys: ['k'], content: 'another position: before', position: 'an_top' },
    ]);
    assert.deepEqual(
      scanLorebook({ book, messages: ['k'], macros }).map((e) => [e.content, e.position]),
      [
        ['before', 'before_char'],
        ['after', 'after_char'],
        ['after, as SillyTavern numbers it', 'after_char'],
        ['unset: before', 'before_char'],
        ['another position: before', 'before_char'],
      ],
    );
  });

  it('resolves macros in the content of the entries it inserts', () => {
    const entries = [{ keys: ['who'], content: '{{char}} knows {{user}} well; {{random:red,red}} wine; {{roll:d1}} glass.' }];
    assert.deepEqual(inserted(entries, ['who?']), ['Marlowe knows Ada well; red wine; 1 glass.']);
  });

  it('reports triggered entries before any budget, in book order', () => {
    const book = bookOf([
      { keys: ['b'], content: 'B', insertion_order: 1 },
      { keys: ['a'], content: 'A', insertion_order: 0 },
    ], { token_budget: 0 });
    assert.deepEqual(triggeredEntries({ book, messages: ['a b'], macros }).map((e) => e.index), [0, 1]);
    assert.deepEqual(scanLorebook({ book, messages: ['a b'], macros }), []);
  });
});
