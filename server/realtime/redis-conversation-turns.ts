import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { ConversationTurns, Turn } from '../chat/conversation-turns.js';
import { REPLY_TIMEOUT_MS } from '../chat/replies.js';
import type { Log } from '../log.js';

/** A turn not renewed for this long is free again: a process that died holds a conversation no longer. */
export const TURN_TTL_MS = 5000;
/** Renewed well before it expires, so a slow Redis round trip never loses it. */
const RENEW_EVERY_MS = TURN_TTL_MS / 3;
/** How often a waiting process asks again (with jitter, so waiters on several processes do not ask in step). */
const RETRY_MS = 50;
/** A reply cannot hold a turn longer than its own timeout: waiting longer means something is wrong. */
const WAIT_AT_MOST_MS = REPLY_TIMEOUT_MS + TURN_TTL_MS;
/** What a conversation's latest answered message is remembered for: longer than any wait for a turn. */
const ANSWERED_TTL_MS = 10 * 60_000;

/** Extends the turn only if it is still ours (the token), in one step. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/**
 * Gives the turn back only if it is still ours (compare-and-delete), and raises the
 * conversation's answered seq, never lowers it, in the same step.
 */
const END = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local answered = tonumber(ARGV[2])
if answered > 0 and answered > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], answered, 'PX', ARGV[3])
end
return 1`;

/**
 * One reply at a time per conversation across processes: a Redis key per
 * conversation taken with SET NX PX and a random token, renewed while the
 * reply runs, and released by compare-and-delete (the single-instance lock
 * Redis documents). Beside it, the seq of the latest visitor message answered,
 * so a process whose turn comes after another's answered the same burst says nothing twice.
 */
export class RedisConversationTurns implements ConversationTurns {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Log,
  ) {}

  async take(conversationId: string, signal: AbortSignal): Promise<Turn | undefined> {
    const key = `${this.prefix}:reply-turn:${conversationId}`;
    const answeredKey = `${this.prefix}:replied:${conversationId}`;
    const token = randomUUID();
    const giveUpAt = Date.now() + WAIT_AT_MOST_MS;
    try {
      while (!signal.aborted) {
        if ((await this.redis.set(key, token, 'PX', TURN_TTL_MS, 'NX')) === 'OK') {
          const answered = Number((await this.redis.get(answeredKey)) ?? 0);
          return this.held(key, answeredKey, token, answered, conversationId);
        }
        if (Date.now() > giveUpAt) {
          this.log.warn({ conversationId }, 'gave up waiting for the conversation’s turn');
          return undefined;
        }
        await sleep(RETRY_MS + Math.random() * RETRY_MS, undefined, { signal }).catch(() => undefined);
      }
      return undefined;
    } catch (error) {
      // Redis away: answer anyway (this process alone keeps one reply at a time) rather than not at all.
      this.log.warn({ err: error, conversationId }, 'redis is not answering: the reply runs without a shared turn');
      return { answeredSeq: 0, lost: new AbortController().signal, end: async () => undefined };
    }
  }

  private held(key: string, answeredKey: string, token: string, answeredSeq: number, conversationId: string): Turn {
    const lost = new AbortController();
    const renewal = setInterval(() => {
      this.redis.eval(RENEW, 1, key, token, TURN_TTL_MS).then(
        (renewed) => {
          if (renewed === 0) lost.abort(new Error('the conversation’s turn expired and was taken elsewhere'));
        },
        // Redis away for a moment: keep going; the turn is renewed when it answers again.
        (error: unknown) => this.log.warn({ err: error, conversationId }, 'could not renew the conversation’s turn'),
      );
    }, RENEW_EVERY_MS);
    return {
      answeredSeq,
      lost: lost.signal,
      end: async (answered = 0) => {
        clearInterval(renewal);
        // Not given back (Redis away)? It expires by itself within TURN_TTL_MS.
        await this.redis
          .eval(END, 2, key, answeredKey, token, answered, ANSWERED_TTL_MS)
          .catch((error: unknown) => this.log.warn({ err: error, conversationId }, 'could not give back the conversation’s turn'));
      },
    };
  }
}
