import { significantWords } from './simulated-words.js';

/** What a message says besides any question: a hello, a thank-you, a goodbye, or asking who the character is. */
export interface SmallTalk {
  /** It opens with a hello. */
  greets: boolean;
  thanks: boolean;
  farewell: boolean;
  /** "Who are you?", "What's your name?" */
  asksWhoYouAre: boolean;
  /** Words with meaning beyond the small talk (a message with several is a question, not small talk). */
  otherWords: number;
}

const GREETING = /^\W*(hi|hello|hey|hiya|howdy|ahoy|yo|greetings|good (morning|afternoon|evening|day)|evening|morning)\b/i;
const THANKS = /\b(thanks|thank (you|u)|thx|cheers|much appreciated)\b/i;
const FAREWELL = /\b(bye|goodbye|good ?night|see (you|ya)|farewell|so long)\b/i;
const WHO_ARE_YOU = /\bwho (are|r) (you|u|ye)\b|\byour name\b|\bwho is this\b|\bwho am i (talking|speaking) (to|with)\b|\bintroduce yourself\b/i;
/** Words of the phrases above that carry no question of their own. */
const SMALL_TALK_WORDS = new Set(['morning', 'afternoon', 'evening', 'day', 'greeting', 'night', 'goodnight', 'goodbye', 'ahoy', 'hiya', 'howdy', 'farewell', 'long', 'see', 'appreciat', 'thx', 'name', 'introduce', 'yourself', 'talk', 'speak']);

export function smallTalkOf(message: string): SmallTalk {
  const otherWords = [...significantWords(message)].filter((word) => !SMALL_TALK_WORDS.has(word)).length;
  return {
    greets: GREETING.test(message),
    thanks: THANKS.test(message),
    farewell: FAREWELL.test(message),
    asksWhoYouAre: WHO_ARE_YOU.test(message),
    otherWords,
  };
}
