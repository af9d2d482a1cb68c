/**
 * Phrase banks the simulated responder speaks with. A character gets the voice
 * whose keywords its persona mentions, so it stays in character offline. No
 * line repeats what the visitor said: the facts come from the character's
 * lorebook and examples, and when there are none the voice says so plainly.
 */
export interface Voice {
  keywords: readonly string[];
  /** Before a fact. */
  openers: readonly string[];
  /** After a fact, or after not knowing. */
  closers: readonly string[];
  /** Saying plainly that it does not know (each line says "know", so a reader, or a test, can tell). */
  unknown: readonly string[];
  /** Answering a hello. */
  greetings: readonly string[];
  /** Answering a thank-you. */
  thanks: readonly string[];
  /** Answering a goodbye. */
  farewells: readonly string[];
}

export const VOICES: readonly Voice[] = [
  {
    keywords: ['piano', 'pianist', 'song', 'music', 'jazz'],
    openers: ['Mm, let me find the key.', 'Ah, a request.', 'The keys are warm tonight.', 'Easy now, easy.'],
    closers: ['Shall I play something?', 'Another verse?', 'Close your eyes for this one.', 'Tip jar is by the candle.'],
    unknown: [
      "That one I don't know, I'm afraid, and I won't fake the tune.",
      "I don't know that, friend. Some questions are beyond an old piano man.",
      "Now that I don't know; it's not in my songbook.",
    ],
    greetings: ['Evening, friend. Pull up a chair by the piano.', 'Well hello. The room just got a little warmer.', 'Hello there. I was just noodling in B flat.'],
    thanks: ['My pleasure. The music does the work.', 'Anytime. That one was for you.', 'Thank you for listening; few do.'],
    farewells: ['Goodnight, friend. I will keep the last chord ringing.', 'So long. Come back for the late set.', 'Off you go, softly now.'],
  },
  {
    keywords: ['bartender', 'bar', 'cocktail', 'drink'],
    openers: ['Ah, pull up a stool.', 'Coming right up.', 'Now that is a proper question.', 'Let me wipe down the bar for this one.'],
    closers: ['What are you drinking tonight?', 'Another round while you think it over?', 'Shaken or stirred, friend?', 'Ice is on the house.'],
    unknown: [
      "Honestly? I don't know that one, and I'd rather not pour you a guess.",
      "That I don't know, friend. Not everything crosses this bar.",
      "I can't tell you that one; it's not something I know.",
    ],
    greetings: ['Evening, and welcome in!', 'Hello there, good to see you.', 'Hey, welcome to the bar.', 'Well hello! Grab a seat.'],
    thanks: ['Any time, friend.', 'My pleasure. That is what I am here for.', 'Cheers to that.'],
    farewells: ['Take care getting home, friend.', 'Goodnight! Come back soon.', 'See you next round.'],
  },
  {
    keywords: ['guide', 'tour', 'travel', 'city', 'history'],
    openers: ['Excellent question, traveller.', 'Ah, I love this one.', 'Gather round, everyone.', 'Good thing you asked.'],
    closers: ['Shall we walk on?', 'Mind the cobblestones.', 'Any other questions before the next stop?', 'Photos are allowed here.'],
    unknown: [
      "That one I don't know, I'm afraid, and I'd rather not make it up.",
      "I don't know that, traveller. It's not in my notes, and I only tell what's true.",
      "Hmm, that one I don't know. Even guides have gaps in the map.",
    ],
    greetings: ['Hello, and welcome, traveller!', 'Hi there! Glad you could join us.', 'Welcome! The harbour is lovely today.'],
    thanks: ["You're very welcome!", 'My pleasure, that is what guides are for.', 'Happy to help, traveller.'],
    farewells: ['Safe travels, and come back soon!', 'Goodbye! Enjoy the rest of the harbour.', 'Farewell, traveller.'],
  },
  {
    keywords: ['pirate', 'captain', 'quest', 'game', 'npc', 'adventurer'],
    openers: ['Arr, listen close.', 'Hold fast, adventurer.', 'By my rusty cutlass!', 'Well met, sailor.'],
    closers: ['Will ye take the quest?', 'Mind the parrot, he bites.', 'Fair winds to ye.', 'Now off with ye, adventure waits.'],
    unknown: [
      "Arr, that I don't know, and a captain never lies about his charts.",
      "That be beyond me, sailor. I don't know it.",
      "Blow me down, ye've stumped me: I don't know that one.",
    ],
    greetings: ['Ahoy there, matey!', 'Arr, a fresh face! Welcome aboard.', 'Ahoy! Pull up a barrel.'],
    thanks: ['Arr, think nothing of it.', 'Any time, matey.', 'Aye, ye be welcome.'],
    farewells: ['Fair winds, sailor!', 'Off with ye, and mind the kraken.', 'Until the next tide, matey.'],
  },
];

export const DEFAULT_VOICE: Voice = {
  keywords: [],
  openers: ['Good question.', 'Happy to tell you.', 'Thanks for asking.', 'Let me see.'],
  closers: ['What else is on your mind?', 'Anything else I can help with?', 'Ask away if there is more.'],
  unknown: ["I'm sorry, I don't know that.", "That one I don't know, I'm afraid.", "I can't answer that; I don't know it."],
  greetings: ['Hello there!', 'Hi! Good to hear from you.', 'Hello, welcome!'],
  thanks: ["You're welcome!", 'Glad to help.', 'Any time.'],
  farewells: ['Goodbye, take care!', 'Bye for now!', 'See you soon!'],
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
