import type { Redis } from 'ioredis';
import type { Log } from '../log.js';

/**
 * A Redis cut off without a word (a network partition drops packets, nothing resets the
 * connection) is only noticed when a command gets no answer: each connection is pinged this
 * often, and one that hears nothing for `socketTimeout` (redis.ts) is dropped and reconnected.
 */
export const HEARTBEAT_MS = 2000;
/** Longer than a silent connection takes to be dropped: a heartbeat, then socketTimeout (2 s, redis.ts). */
const SUSPECT_MS = 5000;

/**
 * Turns the noise of reconnecting connections into two lines an operator can act on: one
 * warning when Redis goes away (the first connection lost), one when it is back (every
 * connection ready again), with how long it was away and how many commands failed meanwhile.
 * ioredis reconnects by itself; this only watches, counts and tells.
 */
export class RedisWatch {
  private readonly heartbeat: NodeJS.Timeout;
  private awaySince?: number;
  private suspected?: { count: number; timer: NodeJS.Timeout };
  private failedWhileAway = 0;
  private lastError?: Error;
  private closing = false;

  constructor(
    private readonly connections: readonly Redis[],
    private readonly log: Log,
    /** Called once Redis is back, with how long it was away; returns what to add to the log line. */
    private readonly onBack: (awayMs: number) => object,
    /** Told each heartbeat's round trip, in seconds (the metrics' Redis timing). */
    private readonly onPing: (seconds: number) => void = () => undefined,
  ) {
    for (const connection of connections) {
      // Each failed reconnect emits an error: remembered for the warning, never one line each.
      connection.on('error', (error: Error) => (this.lastError = error));
      connection.on('close', () => this.lost());
      connection.on('ready', () => this.ready());
    }
    this.heartbeat = setInterval(() => {
      // Only over a live connection: queued behind a dead one, pings would only pile up.
      for (const connection of connections) {
        if (connection.status !== 'ready') continue;
        const started = performance.now();
        connection.ping().then(() => this.onPing((performance.now() - started) / 1000), () => undefined);
      }
    }, HEARTBEAT_MS).unref();
  }

  /** True from the first lost connection until every connection is ready again. */
  get away(): boolean {
    return this.awaySince !== undefined;
  }

  /** A command failed: counted while Redis is away (the back line says how many), else see `suspect`. */
  failed(connection: Redis, command: string, error: unknown): void {
    if (this.away || connection.status !== 'ready') this.failedWhileAway++;
    else this.suspect(() => this.log.warn({ err: error, command }, 'redis command failed'));
  }

  /**
   * A log for code that talks to Redis through this link: while Redis is away, what it would
   * say of each failed call is counted into the back line instead, so an outage stays two lines.
   */
  quiet(log: Log): Log {
    const unlessAway = (write: (details: object, message: string) => void) => (details: object, message: string) => {
      if (this.away) this.failedWhileAway++;
      else this.suspect(() => write(details, message));
    };
    return { warn: unlessAway(log.warn.bind(log)), error: unlessAway(log.error.bind(log)) };
  }

  /**
   * A call failed while every connection still looks fine: the first sign of a Redis gone
   * silent (commands time out before the connection does). Held for a moment: if the outage is
   * declared meanwhile, it and those after it are counted into it; if not, the first is logged,
   * with how many followed.
   */
  private suspect(write: () => void): void {
    if (this.suspected) return void this.suspected.count++;
    const settle = () => {
      this.suspected = undefined;
      if (this.away) return void (this.failedWhileAway += suspected.count);
      write();
      if (suspected.count > 1) this.log.warn({ count: suspected.count - 1 }, 'more redis calls failed meanwhile');
    };
    const suspected = { count: 1, timer: setTimeout(settle, SUSPECT_MS).unref() };
    this.suspected = suspected;
  }

  /** From now on, connections closing are the shutdown, not an outage. */
  close(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.suspected?.timer);
  }

  private lost(): void {
    if (this.closing || this.away) return;
    this.awaySince = Date.now();
    this.failedWhileAway = this.suspected?.count ?? 0;
    clearTimeout(this.suspected?.timer);
    this.suspected = undefined;
    this.log.warn(
      { err: this.lastError },
      'redis is away: broadcasts, socket counts and access changes reach this process only, and rate limits count ' +
        'per process, until it is back (reconnecting)',
    );
  }

  private ready(): void {
    if (this.closing || !this.away || !this.connections.every((c) => c.status === 'ready')) return;
    const awayMs = Date.now() - this.awaySince!;
    this.awaySince = undefined;
    this.lastError = undefined;
    // Same level as the away line, so a log filtered to warnings shows both halves of an outage.
    this.log.warn({ awayMs, failedCommands: this.failedWhileAway, ...this.onBack(awayMs) }, 'redis is back: processes share events and limits again');
  }
}
