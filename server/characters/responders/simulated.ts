import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplyRequest, Responder } from './responder.js';
import { voiceFor } from './voices.js';

const QUOTE_MAX = 60;

/**
 * An offline character: answers in the voice its persona suggests, varied but
 * deterministic for a given character and message, streamed word by word.
 */
export class SimulatedResponder implements Responder {
  constructor(private readonly chunkDelayMs: number) {}

  async *reply({ character, history, signal }: ReplyRequest): AsyncIterable<string> {
    const last = history.at(-1)?.content ?? '';
    const text = composeReply(character.slug, character.persona, last);
    for (const chunk of chunkWords(text)) {
      if (signal.aborted) return;
      if (this.chunkDelayMs > 0) await sleep(this.chunkDelayMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      yield chunk;
    }
  }
}

export function composeReply(slug: string, persona: string, message: string): string {
  const voice = voiceFor(persona);
  const digest = createHash('sha256').update(`${slug}\u0000${message}`).digest();
  const pick = <T>(list: readonly T[], byte: number): T => list[digest[byte]! % list.length]!;
  const flat = message.replace(/\s+/g, ' ').trim();
  const quote = flat.length > QUOTE_MAX ? `${flat.slice(0, QUOTE_MAX - 1)}…` : flat;
  return [pick(voice.openers, 0), pick(voice.reflections, 1).replace('{quote}', quote), pick(voice.closers, 2)].join(' ');
}

/** Splits text into chunks of one word plus its trailing space, as a model's tokens arrive. */
function chunkWords(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}
