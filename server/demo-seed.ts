import { addSiteOrigins, createSite, publishableKeyOf, updateSite } from './auth/sites.js';
import { CharacterBook } from './characters/character-book.js';
import { upsertCharacter, type CharacterDefinition } from './characters/store.js';
import type { Db } from './db/database.js';

const SETTING = 'demo_site_id';

type DemoEntry = { name: string; keys: string[]; content: string; use_regex?: boolean; constant?: boolean; priority?: number };

/** A demo lorebook, validated as any other (insertion order: as listed). */
const lorebook = (name: string, entries: DemoEntry[]): CharacterBook =>
  CharacterBook.parse({ name, scan_depth: 4, token_budget: 600, entries: entries.map((e, i) => ({ insertion_order: i, ...e })) });

/**
 * What the demo characters know: the facts of the demo site (demo/index.html),
 * so that they answer them with or without a model. Keys match as substrings:
 * short words that hide inside others ("age" in "message") are regex keys.
 */
const TIPSY_FOX = lorebook('The Tipsy Fox', [
  { name: 'Opening hours', keys: ['open', 'close', 'closing', 'hours', 'what time', 'how late'], content: "We're open every night from 5 pm until 1 am, and until 2 am on Fridays and Saturdays." },
  { name: 'Address', keys: ['where', 'address', 'located', 'location', 'find you', 'get there', 'directions'], content: "The Tipsy Fox is at 12 Old Harbour Quay, at the east end of the quay, where Juniper's Saturday walking tour finishes." },
  { name: 'Menu', keys: ['menu', 'drinks', 'cocktail', 'signature', 'recommend', 'list', 'specialit', 'tonight', "what's good"], content: "Tonight's list: the Harbour Negroni (gin, bitter orange, sea salt) at 12, the Foxglove Sour (rye, lemon, blackberry, egg white) at 13, the Low Tide Spritz (vermouth, grapefruit, soda) at 10, and Captain's Grog (dark rum, lime, demerara, nutmeg) at 11." },
  { name: 'Harbour Negroni', keys: ['/\\b(negroni|gin)\\b/i'], use_regex: true, content: 'The Harbour Negroni is our signature: gin, bitter orange and a pinch of sea salt, stirred over one big cube. It costs 12.' },
  { name: 'Foxglove Sour', keys: ['/\\b(foxglove|sours?|rye)\\b/i'], use_regex: true, content: "The Foxglove Sour is rye, lemon, blackberry and egg white, shaken hard. It costs 13, and we'll make it without egg white if you ask." },
  { name: 'Low Tide Spritz', keys: ['spritz', 'low tide', 'something light'], content: 'The Low Tide Spritz is vermouth, grapefruit and soda: light, bitter and the gentlest drink on the list. It costs 10.' },
  { name: "Captain's Grog", keys: ['/\\b(grog|rum)\\b/i'], use_regex: true, content: "Captain's Grog is dark rum, lime, demerara and nutmeg, named after the Captain in our arcade cabinet. It costs 11." },
  { name: 'Prices', keys: ['price', 'cost', 'how much', 'expensive', 'cheap'], content: "Cocktails on tonight's list cost 10 to 13: the Low Tide Spritz 10, Captain's Grog 11, the Harbour Negroni 12 and the Foxglove Sour 13." },
  { name: 'Happy hour', keys: ['happy hour', 'deal', 'discount', 'offer', 'special'], content: 'Happy hour runs from 5 to 7 pm, Monday to Thursday: every cocktail on the list costs 2 less.' },
  { name: 'Without alcohol', keys: ['alcohol-free', 'non-alcoholic', 'no alcohol', 'without alcohol', 'zero', 'mocktail', 'sober', 'driving'], content: 'For no alcohol, ask for a Zero Tide: grapefruit, tonic and rosemary, at 6. Any sour on the list can be made alcohol-free too.' },
  { name: 'Food', keys: ['food', 'snack', 'hungry', 'kitchen', 'something to eat'], content: 'We serve bar snacks until 11 pm: smoked almonds, olives, and a crab toastie people cross the harbour for.' },
  { name: 'Tables', keys: ['book', 'reserv', 'a table', 'group', 'party'], content: 'Tables are first come, first served; groups of six or more can reserve one by asking at the bar.' },
  { name: 'Back room', keys: ['arcade', 'back room', 'game', 'piano', 'music', 'old tom', 'jazz'], content: "The back room has the pirate arcade cabinet, free to play, and Old Tom at the piano, who plays jazz standards from 8 pm, Thursday to Saturday." },
  { name: 'The walking tour', keys: ['tour', 'walk', 'juniper'], content: "Juniper's Old Harbour walking tour runs every Saturday at 4 pm and ends at our door; tour guests get 10% off their first drink." },
  { name: 'Ages', keys: ['/\\b(kids?|child(ren)?|age|ids?|under ?18|minors?|famil(y|ies))\\b/i'], use_regex: true, content: "Everyone is welcome until 9 pm; after that it's over-18s only, and we may ask for ID." },
  { name: 'Dogs', keys: ['dogs', 'dog-friendly', 'puppy', 'my dog'], content: "Dogs are welcome in the bar and on the terrace; there's a water bowl by the door." },
  { name: 'The harbour', keys: ['harbour', 'history', 'view'], content: "We look out over the Old Harbour; for its history, Juniper's Saturday walking tour tells it best and finishes at our door." },
  { name: 'Paying', keys: ['card', 'cash', 'pay'], content: 'We take cards, phones and cash.' },
]);

const OLD_HARBOUR_TOUR = lorebook('The Old Harbour walking tour', [
  { name: 'Meeting point', keys: ['start', 'meet', 'begin', 'lighthouse', 'departure', 'where do'], content: 'The tour starts at the lighthouse steps at the west end of the Old Harbour quay, every Saturday at 4 pm sharp. Look for the green umbrella.' },
  { name: 'When', keys: ['when', 'what time', 'schedule', 'saturday', 'sunday', 'how often', 'every week'], content: 'The tour runs every Saturday at 4 pm, all year round, rain or shine.' },
  { name: 'Duration', keys: ['how long', 'duration', 'last', 'minutes', 'distance', 'how far', 'km'], content: 'The tour takes about 90 minutes and covers 2 km at an easy pace, with five stops.' },
  { name: 'Price', keys: ['price', 'cost', 'how much', 'pay', 'ticket', 'tips'], content: 'The tour costs 15 per adult, and children under 12 walk free. You pay Juniper on the day, by cash or card.' },
  { name: 'Booking', keys: ['book', 'reserv', 'sign up', 'register', 'spot', 'join'], content: 'No booking needed: just turn up at the lighthouse steps by 4 pm. Groups of ten or more, please tell Marlowe at The Tipsy Fox the day before.' },
  { name: 'Stops', keys: ['stops', 'route', 'sights', 'what will we see', 'itinerary', 'highlights', 'visit'], content: 'Five stops: the lighthouse, the fish market hall, the old customs house, the ropewalk and the swing bridge, ending at The Tipsy Fox.' },
  { name: 'Accessibility', keys: ['wheelchair', 'accessib', 'step-free', 'stairs', 'mobility', 'pram', 'stroller', 'buggy', 'disab'], content: 'The route is flat and step-free apart from the lighthouse steps, which you can skip; wheelchairs and prams are fine, and every stop has benches.' },
  { name: 'Weather', keys: ['rain', 'weather', 'cancel', 'storm', 'umbrella', 'cold'], content: "We walk rain or shine; only a storm warning cancels the tour, and then it's posted on The Tipsy Fox's page by noon." },
  { name: 'The end', keys: ['/\\b(end|ends|finish\\w*|after the tour|the bar|tipsy fox)\\b/i'], use_regex: true, content: 'The tour ends at The Tipsy Fox, 12 Old Harbour Quay, where tour guests get 10% off their first drink.' },
  { name: 'History', keys: ['harbour', 'history', 'historic', 'how old', 'built'], content: 'The Old Harbour was built in 1743 for the herring fleet; the lighthouse followed in 1812, and the customs house is the oldest building on the quay.' },
  { name: 'Children and dogs', keys: ['kids', 'children', 'child', 'family', 'dog'], content: 'Children and dogs on leads are welcome, and under-12s walk free.' },
  { name: 'Languages', keys: ['language', 'english', 'french', 'german', 'spanish'], content: 'Juniper leads the tour in English; printed notes in French, German and Spanish are handed out at the start.' },
]);

const PIRATE_GAME = lorebook("Captain Grog's quests", [
  { name: 'Quests', keys: ['quest', 'mission', 'task', 'job', 'adventure'], content: "Three quests await: the Bottle Cap Hunt, the Parrot's Riddle and the Lost Map. Finish all three to face the Kraken of the Back Room." },
  { name: 'The Bottle Cap Hunt', keys: ['bottle cap', 'caps', 'pinball', 'first quest'], content: 'The Bottle Cap Hunt: find three golden bottle caps hidden behind the pinball machine. The reward is 50 gold doubloons.' },
  { name: "The Parrot's Riddle", keys: ['parrot', 'riddle', 'second quest'], content: "The Parrot's Riddle: answer Polly's riddle at the ship's wheel (it's always wet but never rains). The reward is the brass compass." },
  { name: 'The Lost Map', keys: ['map', 'treasure', 'third quest', 'compass'], content: "The Lost Map: follow the brass compass to the torn map in the captain's cabin, then dig where the X sits. The reward is the Kraken key." },
  { name: 'The Kraken', keys: ['kraken', 'boss', 'final'], content: 'The Kraken of the Back Room is the final fight: three rounds, and it is weak to the cannon. Beat it to put your name on the high-score board.' },
  { name: 'Controls', keys: ['control', 'how do i play', 'how to play', 'button', 'joystick'], content: 'Move with the joystick; the red button swings your cutlass, the blue one fires the cannon, and START pauses.' },
  { name: 'Cost', keys: ['cost', 'price', 'coin', 'token', 'how much', 'pay', 'free'], content: 'The cabinet is free to play for guests of The Tipsy Fox: no coins, no tokens.' },
  { name: 'Prize', keys: ['high score', 'prize', 'winner', 'leaderboard', 'reward'], content: "The week's high score wins a free Captain's Grog at the bar, handed out on Sunday night." },
  { name: 'The cabinet', keys: ['where', 'cabinet', 'arcade', 'back room'], content: "The pirate cabinet stands in the back room of The Tipsy Fox, next to Old Tom's piano." },
  { name: 'Lives', keys: ['save', 'lives', 'continue', 'game over', 'lose', 'i die'], content: 'You get three lives, and the game saves at every quest you finish: a game over sends you back to your last quest, not the start.' },
]);

export const DEMO_CHARACTERS: CharacterDefinition[] = [
  {
    slug: 'marlowe',
    name: 'Marlowe',
    avatarUrl: '/demo/avatars/marlowe.svg',
    greeting: "Evening! I'm Marlowe, head bartender at The Tipsy Fox. What can I pour you?",
    persona: 'Marlowe is the warm, witty head bartender of a cocktail bar. Knows every classic drink and a story for each.',
    examples:
      '{{user}}: Something strong?\n{{char}}: A Harbour Negroni, then. Gin, bitter orange and a pinch of sea salt.\n{{user}}: Hi!\n{{char}}: Evening! Pull up a stool, the ice is fresh.',
    accent: '#c2410c',
    characterBook: TIPSY_FOX,
  },
  {
    slug: 'juniper',
    name: 'Juniper',
    avatarUrl: '/demo/avatars/juniper.svg',
    greeting: 'Welcome to the Old Harbour walking tour! Ask me anything about the city.',
    persona: 'Juniper is an enthusiastic tour guide of the old harbour district who loves local history.',
    examples: '{{user}}: Where do we meet?\n{{char}}: At the lighthouse steps, four o’clock sharp!\n{{user}}: Is it worth it?\n{{char}}: Oh, absolutely! Three centuries of harbour in ninety minutes.',
    accent: '#0f766e',
    characterBook: OLD_HARBOUR_TOUR,
  },
  {
    slug: 'captain-grog',
    name: 'Captain Grog',
    avatarUrl: '/demo/avatars/captain-grog.svg',
    greeting: 'Arr! Captain Grog at yer service. Looking for a quest, are ye?',
    persona: 'Captain Grog is a gruff but kindly pirate NPC who hands out quests in the bar arcade game.',
    examples: '{{user}}: Any quests?\n{{char}}: Aye! Find me three golden bottle caps behind the pinball machine.',
    accent: '#7c3aed',
    characterBook: PIRATE_GAME,
  },
];

/**
 * The demo site and its three characters, created on first start. Later starts
 * only add origins (the port may have changed) and refresh the characters.
 * The demo page also defines a fourth by attributes, so the site allows that.
 */
export async function ensureDemoSite(db: Db, origins: readonly string[]): Promise<{ siteId: string; publishableKey: string }> {
  const known = await db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirst();
  let siteId = known?.value;
  let publishableKey = siteId ? await publishableKeyOf(db, siteId) : undefined;
  if (!siteId || !publishableKey) {
    ({ siteId, publishableKey } = await createSite(db, { name: 'The Tipsy Fox (demo)', origins }));
    await db
      .insertInto('settings')
      .values({ key: SETTING, value: siteId })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: siteId }))
      .execute();
  } else {
    await addSiteOrigins(db, siteId, origins);
  }
  for (const character of DEMO_CHARACTERS) await upsertCharacter(db, siteId, character);
  await updateSite(db, siteId, { allowPageCharacters: true });
  return { siteId, publishableKey };
}
