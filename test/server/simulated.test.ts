/**
 * The simulated character (no model): answers from its lorebook and examples
 * in its voice, says plainly what it does not know, never echoes the question.
 * Unit tests of the composition, then the demo characters through a real server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CharacterBook } from '../../server/characters/character-book.js';
import { composeReply, type SimulatedCharacter } from '../../server/characters/responders/simulated.js';
import { VOICES, voiceFor } from '../../server/characters/responders/voices.js';
import { isTamePattern } from '../../server/characters/lorebook-keys.js';
import { DEMO_CHARACTERS, ensureDemoSite } from '../../server/demo-seed.js';
import type { Message } from '../../server/protocol/message.js';
import { SITE_ORIGIN, startHarness, type Harness } from './harness.js';

const GUIDE_BOOK = CharacterBook.parse({
  entries: [
    { name: 'Meeting point', keys: ['start', 'meet'], content: 'The tour starts at the lighthouse steps at 4 pm.' },
    { name: 'Duration', keys: ['how long'], content: 'The tour takes about 90 minutes.' },
    { name: 'Price', keys: ['cost', 'price'], content: 'The tour costs 15 per adult.' },
    { name: 'Ferry', keys: ['zzz'], content: 'The ferry leaves from pier 4 every hour.' },
    { name: 'Greeting words', keys: ['secret'], content: 'The secret password is {{random:swordfish,swordfish}}, {{user}}.' },
    { name: 'Closed', keys: ['museum'], enabled: false, content: 'The museum is closed.' },
    {
      name: 'Long',
      keys: ['lighthouse'],
      content:
        'The lighthouse was built in 1812 by the harbour board. Its lamp burned whale oil for forty years. It was painted red and white in 1901, after a ship mistook it for a chimney. Visitors may climb its 212 steps on Sundays. The keeper’s cottage is now a café, and its garden grows the herbs the bar uses in its cocktails.',
    },
  ],
});

const guide = (book: CharacterBook | null = GUIDE_BOOK): SimulatedCharacter => ({
  slug: 'juniper',
  name: 'Juniper',
  persona: 'Juniper is an enthusiastic tour guide of the old harbour.',
  examples: '{{user}}: Is it worth it?\n{{char}}: Oh, absolutely! Three centuries of harbour in ninety minutes.',
  greeting: 'Welcome to the Old Harbour walking tour!',
  character_book: book ? JSON.stringify(book) : null,
});
const tourVoice = voiceFor('tour guide');

describe('the simulated character’s replies', () => {
  it('answers from the lorebook entry the question is about, in its voice', () => {
    const reply = composeReply(guide(), 'Where does the tour start?');
    assert.match(reply, /The tour starts at the lighthouse steps at 4 pm\./);
    assert.ok(tourVoice.closers.some((closer) => reply.endsWith(closer)), reply);
    assert.match(composeReply(guide(), 'How long is it?'), /about 90 minutes/);
    assert.match(composeReply(guide(), 'What does it cost?'), /15 per adult/);
  });

  it('finds an entry by the words of its content when no key matches', () => {
    assert.match(composeReply(guide(), 'When does the ferry leave?'), /pier 4 every hour/);
  });

  it('states long content by its most relevant sentences', () => {
    const reply = composeReply(guide(), 'How many steps does the lighthouse have, can visitors climb it?');
    assert.match(reply, /Visitors may climb its 212 steps on Sundays\./);
    assert.doesNotMatch(reply, /whale oil|chimney|café/);
  });

  it('resolves macros in what it states', () => {
    assert.match(composeReply(guide(), 'Tell me the secret', 'Ada'), /The secret password is swordfish, Ada\./);
    assert.match(composeReply(guide(), 'Tell me the secret'), /swordfish, you\./);
  });

  it('says plainly it does not know, without echoing the question, when nothing matches', () => {
    for (const question of ['What is the capital of Peru?', 'Is the museum open?', 'Who won the football?']) {
      const reply = composeReply(guide(), question);
      assert.ok(tourVoice.unknown.some((line) => reply.includes(line)), reply);
      assert.ok(!reply.toLowerCase().includes(question.toLowerCase().replace('?', '')), `no echo: ${reply}`);
    }
    const bare = composeReply(guide(null), 'Where does the tour start?');
    assert.ok(tourVoice.unknown.some((line) => bare.includes(line)), 'no lorebook: nothing known');
  });

  it('answers hellos, thanks and goodbyes in kind, and who it is with its greeting', () => {
    assert.ok(tourVoice.greetings.some((line) => composeReply(guide(), 'Hello!').startsWith(line)));
    assert.ok(tourVoice.thanks.some((line) => composeReply(guide(), 'Thanks a lot').startsWith(line)));
    assert.ok(tourVoice.farewells.includes(composeReply(guide(), 'Bye!')));
    assert.match(composeReply(guide(), 'Who are you?'), /Welcome to the Old Harbour walking tour!/);
    assert.match(composeReply(guide(), 'Hello! Where do we meet?'), /lighthouse steps/, 'a hello with a question gets the answer');
  });

  it('answers from its example dialogue, in the examples’ own words', () => {
    assert.match(composeReply(guide(), 'Is the tour worth it?'), /Three centuries of harbour in ninety minutes\./);
  });

  it('says "know" in every line of not knowing, in every voice', () => {
    for (const voice of [...VOICES, voiceFor('')]) for (const line of voice.unknown) assert.match(line, /\bknow\b/, line);
  });

  it('is the same for the same character and message, and varies between messages and characters', () => {
    assert.equal(composeReply(guide(), 'What does it cost?'), composeReply(guide(), 'What does it cost?'));
    const unknowns = new Set(['one', 'two', 'three', 'four', 'five', 'six'].map((word) => composeReply(guide(), word)));
    assert.ok(unknowns.size >= 4, `varied: ${[...unknowns].join(' | ')}`);
    const bartender = { ...guide(null), slug: 'marlowe', persona: 'Marlowe is a bartender at a cocktail bar.' };
    const barVoice = VOICES.find((voice) => voice.keywords.includes('bartender'))!;
    assert.ok(barVoice.unknown.some((line) => composeReply(bartender, 'one').includes(line)), 'the bartender speaks as one');
  });
});

describe('the demo characters, simulated, through the server', () => {
  let h: Harness;
  let demoKey: string;
  before(async () => {
    h = await startHarness({ config: { simulatedDelayMs: 1 } });
    demoKey = (await ensureDemoSite(h.app.db, [SITE_ORIGIN])).publishableKey;
  });
  after(() => h.close());

  /** The character's streamed reply to one message, and its chunks. */
  async function ask(character: string, content: string): Promise<{ reply: string; chunks: string[] }> {
    const { visitorToken, conversationId } = await h.api().session.start.mutate({ siteKey: demoKey, character });
    const socket = await h.socket(visitorToken);
    const chunks: string[] = [];
    socket.on('message_stream', (e) => chunks.push(e.delta));
    const reply = new Promise<Message>((resolve) => socket.on('receive_message', (m) => m.sender_type === 'character' && resolve(m)));
    await socket.emitWithAck('send_message', { conversationId, content });
    const { content: text } = await reply;
    socket.disconnect();
    return { reply: text, chunks };
  }

  it('have lorebooks whose regex keys all compile and are tame (a refused key would never match)', () => {
    for (const character of DEMO_CHARACTERS) {
      assert.ok(character.characterBook?.entries.length, character.slug);
      for (const entry of character.characterBook.entries.filter((e) => e.use_regex)) {
        for (const key of entry.keys) {
          const [, source, flags] = /^\/(.+)\/([a-z]*)$/.exec(key)!;
          assert.doesNotThrow(() => new RegExp(source!, flags), key);
          assert.ok(isTamePattern(source!), key);
        }
      }
    }
  });

  it('the guide says where the tour starts, streamed word by word', async () => {
    const { reply, chunks } = await ask('juniper', 'Where does the tour start?');
    assert.match(reply, /lighthouse steps/);
    assert.match(reply, /Saturday at 4 pm/);
    assert.equal(chunks.join('').trim(), reply);
    assert.equal(chunks.length, reply.split(/\s+/).length, 'one word a chunk');
  });

  it('the bartender and the captain answer what the demo site says', async () => {
    assert.match((await ask('marlowe', 'What time do you open?')).reply, /5 pm/);
    assert.match((await ask('marlowe', 'How much is a Harbour Negroni?')).reply, /12/);
    assert.match((await ask('marlowe', "What's on the menu?")).reply, /Foxglove Sour.*Low Tide Spritz/);
    assert.match((await ask('captain-grog', 'What quests do you have?')).reply, /Bottle Cap Hunt/);
  });

  it('an unknown question gets a plain "don’t know", not the question back', async () => {
    const { reply } = await ask('juniper', 'What is the capital of Peru?');
    assert.match(reply, /know|can't answer/);
    assert.doesNotMatch(reply, /Peru|capital/);
  });
});
