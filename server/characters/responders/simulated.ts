import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CharacterRow } from '../../db/tables.js';
import { characterBookOf } from '../character-extras.js';
import { resolveMacros, type MacroContext } from '../macros.js';
import { exchangesOf, flavourOpeners } from './example-dialogue.js';
import type { ReplyRequest, Responder } from './responder.js';
import { recall } from './simulated-knowledge.js';
import { smallTalkOf } from './small-talk.js';
import { voiceFor } from './voices.js';

/** What the simulated character answers from. */
export type SimulatedCharacter = Pick<CharacterRow, 'slug' | 'name' | 'persona' | 'examples' | 'greeting' | 'character_book'>;

/** A message with more words of its own than this is a question, not small talk. */
const SMALL_TALK_MAX_WORDS = 3;

/**
 * An offline character: answers from its lorebook and example dialogue (the
 * most relevant entry's facts), in the voice its persona suggests; says
 * plainly when it does not know; answers hellos, thanks and goodbyes in kind.
 * Varied but deterministic for a given character and message, streamed word by word.
 */
export class SimulatedResponder implements Responder {
  constructor(private readonly chunkDelayMs: number) {}

  async *reply({ character, history, signal, userName }: ReplyRequest): AsyncIterable<string> {
    const last = history.at(-1)?.content ?? '';
    const text = composeReply(character, last, userName);
    for (const chunk of chunkWords(text)) {
      if (signal.aborted) return;
      if (this.chunkDelayMs > 0) await sleep(this.chunkDelayMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      yield chunk;
    }
  }
}

export function composeReply(character: SimulatedCharacter, message: string, userName?: string | null): string {
  const digest = createHash('sha256').update(`${character.slug}\u0000${message}`).digest();
  const pick = <T>(list: readonly T[], byte: number): T => list[digest[byte]! % list.length]!;
  const macros: MacroContext = { char: character.name, user: userName, random: seededRandom(digest) };
  const voice = voiceFor(character.persona);
  const exchanges = exchangesOf(character.examples);
  const talk = smallTalkOf(message);
  const chat = talk.otherWords <= SMALL_TALK_MAX_WORDS;
  // The examples' own way of answering a hello (or a thanks) joins the voice's lines.
  const inKind = (kind: 'greets' | 'thanks' | 'farewell', lines: readonly string[]) => [
    ...lines,
    ...exchanges.filter((e) => e.asked && smallTalkOf(e.asked)[kind] && !smallTalkOf(e.asked).otherWords).map((e) => resolveMacros(e.answered, macros)),
  ];
  const hello = talk.greets ? pick(inKind('greets', voice.greetings), 3) : undefined;

  const known = recall({ book: characterBookOf(character), exchanges, message, macros });
  if (known) {
    const opener = hello ?? (known.from === 'example' ? undefined : pick([...voice.openers, ...flavourOpeners(exchanges)], 0));
    return sentence(opener, known.fact, pick(voice.closers, 2));
  }
  if (talk.asksWhoYouAre) {
    const intro = character.greeting ? resolveMacros(character.greeting, macros) : `I'm ${character.name}.`;
    return sentence(hello === intro ? undefined : hello, intro);
  }
  if (chat && talk.farewell) return pick(inKind('farewell', voice.farewells), 1);
  if (chat && talk.thanks) return sentence(pick(inKind('thanks', voice.thanks), 1), pick(voice.closers, 2));
  if (chat && hello) return sentence(hello, pick(voice.closers, 2));
  return sentence(hello, pick(voice.unknown, 1), pick(voice.closers, 2));
}

const sentence = (...parts: (string | undefined)[]): string =>
  parts
    .filter((part): part is string => Boolean(part?.trim()))
    .map((part) => part.trim())
    .join(' ');

/** A small deterministic generator (mulberry32) seeded from the digest, for `{{random}}` and `{{roll}}`. */
function seededRandom(digest: Buffer): () => number {
  let state = digest.readUInt32LE(4);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Splits text into chunks of one word plus its trailing space, as a model's tokens arrive. */
function chunkWords(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}
