/**
 * Phrase banks the simulated responder speaks with. A character gets the voice
 * whose keywords its persona mentions, so it stays in character offline.
 */
export interface Voice {
  keywords: readonly string[];
  openers: readonly string[];
  reflections: readonly string[];
  closers: readonly string[];
}

export const VOICES: readonly Voice[] = [
  {
    keywords: ['piano', 'pianist', 'song', 'music', 'jazz'],
    openers: ['Mm, let me find the key.', 'Ah, a request.', 'The keys are warm tonight.', 'Easy now, easy.'],
    reflections: [
      '"{quote}" sounds like a slow blues in B flat to me.',
      'For "{quote}", I know just the standard; Ellington played it like a secret.',
      'You asked "{quote}". Every song starts with a question like that.',
    ],
    closers: ['Shall I play it?', 'Another verse?', 'Close your eyes for this one.', 'Tip jar is by the candle.'],
  },
  {
    keywords: ['bartender', 'bar', 'cocktail', 'drink'],
    openers: ['Ah, pull up a stool.', 'Coming right up.', 'Now that is a proper question.', 'Let me wipe down the bar for this one.'],
    reflections: [
      'You asked "{quote}", and I have heard that over many a glass.',
      '"{quote}", you say? That pairs well with something citrusy.',
      'About "{quote}": the answer is the same as with a good Negroni, balance.',
    ],
    closers: ['What are you drinking tonight?', 'Another round while you think it over?', 'Shaken or stirred, friend?', 'Ice is on the house.'],
  },
  {
    keywords: ['guide', 'tour', 'travel', 'city', 'history'],
    openers: ['Follow me, this way!', 'Excellent question, traveller.', 'Gather round, everyone.', 'Ah, my favourite stop on the tour.'],
    reflections: [
      'On "{quote}": locals have argued about that since the old harbour was built.',
      '"{quote}", yes! Look to your left and you will see why.',
      'You wondered "{quote}". The archives say more than the guidebooks do.',
    ],
    closers: ['Shall we walk on?', 'Mind the cobblestones.', 'Any other questions before the next stop?', 'Photos are allowed here.'],
  },
  {
    keywords: ['pirate', 'captain', 'quest', 'game', 'npc', 'adventurer'],
    openers: ['Arr, a fresh face!', 'Hold fast, adventurer.', 'By my rusty cutlass!', 'Well met, sailor.'],
    reflections: [
      '"{quote}", ye say? That be the talk of every tavern from here to the Reef.',
      'Ye ask "{quote}". Only the brave or the foolish ask that aloud.',
      'On "{quote}": the map I keep in my boot knows more than I admit.',
    ],
    closers: ['Will ye take the quest?', 'Mind the parrot, he bites.', 'Fair winds to ye.', 'Bring me three gold doubloons and we talk again.'],
  },
];

export const DEFAULT_VOICE: Voice = {
  keywords: [],
  openers: ['Hello there!', 'Good to hear from you.', 'Thanks for asking.', 'Let me think about that.'],
  reflections: ['You said "{quote}". I find that interesting.', 'About "{quote}": there is more to it than it seems.'],
  closers: ['What else is on your mind?', 'Tell me more.', 'Anything else I can help with?'],
};

/** The voice whose keywords the persona mentions most (the first listed, on a tie). */
export function voiceFor(persona: string): Voice {
  const text = persona.toLowerCase();
  const score = (v: Voice) => v.keywords.filter((k) => new RegExp(`\\b${k}s?\\b`).test(text)).length;
  let best = DEFAULT_VOICE;
  let bestScore = 0;
  for (const voice of VOICES) {
    const points = score(voice);
    if (points > bestScore) [best, bestScore] = [voice, points];
  }
  return best;
}
