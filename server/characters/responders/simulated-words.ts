/**
 * The words the simulated character weighs a question by: lower-cased, the
 * common ones left out, lightly stemmed ("starts", "starting" and "started"
 * are all "start"), so a question and a lorebook entry meet on meaning
 * rather than on exact spelling.
 */

const STOPWORDS = new Set(
  `a an the and or but if then so to of in on at by for with from into about as is are was were be been being am
  do does did done doing have has had can could will would shall should may might must i me my mine you your yours
  we us our it its this that these those there here what whats where wheres when whens who whom whose which why how
  hows tell know please any anything some something much many get got go going want like just also really very thing
  things one ones not no yes okay ok let lets need give say said make way out up down over than too all more most
  other such only own same each few both im ive youre dont doesnt cant isnt arent wont ye yer ya u thee thy
  hi hello hey thanks thank cheers bye`.split(/\s+/),
);

/** The word as compared: plural, -ing and -ed endings taken off. */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ch|sh|x|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  return word;
}

/** Every word of the text, lower-cased and stemmed, stopwords included (for phrase checks). */
export function allWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’]\p{L}+)?/gu) ?? []).map((word) => word.replace(/['’]s$/, '').replace(/['’]/g, ''));
}

/** The words that carry meaning: no stopwords, at least three letters (or a number), stemmed, each once. */
export function significantWords(text: string): Set<string> {
  const found = new Set<string>();
  for (const word of allWords(text)) {
    if (STOPWORDS.has(word) || (word.length < 3 && !/\d/.test(word))) continue;
    found.add(stem(word));
  }
  return found;
}

/**
 * What kind of fact a question asks for ("where", "when", "how much"…), and
 * words an answer of that kind tends to hold (stemmed). An entry holding one
 * gains a point: "where does the tour start?" leans to the entry that names a place.
 */
const CUES: readonly { asks: RegExp; answers: ReadonlySet<string>; digits?: boolean }[] = [
  {
    asks: /\bwhere\b|\baddress\b|\blocat/,
    answers: new Set(['address', 'locat', 'location', 'quay', 'street', 'road', 'square', 'meet', 'corner', 'door', 'step', 'entrance', 'end', 'next', 'near', 'opposite', 'behind']),
  },
  {
    asks: /\bwhen\b|\bwhat time\b|\bhow late\b|\bhow early\b|\bopen\b|\bclos/,
    answers: new Set(['open', 'close', 'clos', 'hour', 'time', 'daily', 'nightly', 'night', 'evening', 'morning', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'weekday', 'weekend', 'until', 'clock']),
    digits: true,
  },
  {
    asks: /\bhow much\b|\bcost|\bprice|\bpay\b|\bfee\b|\bcharge/,
    answers: new Set(['price', 'cost', 'free', 'pay', 'per', 'ticket', 'euro', 'pound', 'dollar', 'cash', 'card', 'charge']),
    digits: true,
  },
  {
    asks: /\bhow long\b|\bduration\b/,
    answers: new Set(['hour', 'minute', 'last', 'duration', 'long', 'kilometre', 'mile']),
    digits: true,
  },
];

/** The cues the question raises. */
export function cuesOf(question: string): (typeof CUES)[number][] {
  const text = question.toLowerCase();
  return CUES.filter((cue) => cue.asks.test(text));
}

/** How many of the question's cues the text answers. */
export function cuePoints(cues: ReturnType<typeof cuesOf>, words: ReadonlySet<string>, text: string): number {
  return cues.filter((cue) => (cue.digits && /\d/.test(text)) || [...cue.answers].some((word) => words.has(word))).length;
}
