import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Log } from '../log.js';
import { full, type ReplyCaller, type ReplyPlaces, type ReplySlot, type ReplySlotLimits, type ReplySlots } from './reply-slots.js';

/** The two counts of a site's places every process shares: reserved (running or waiting), and running. */
export type LeasePool = 'held' | 'running';

/**
 * A site's places, counted across processes: each place is a lease that
 * expires unless the process holding it keeps it alive, so the places of a
 * process that died free themselves. Implemented over Redis (realtime/redis-site-leases.ts).
 */
export interface SiteLeases {
  /** Takes one of the site's `capacity` places in `pool` for `lease`: false when all are taken. Throws when the store is away. */
  take(pool: LeasePool, siteId: string, lease: string, capacity: number): Promise<boolean>;
  /** Gives a place back (and stops keeping it alive). */
  drop(pool: LeasePool, siteId: string, lease: string): void;
}

/** How often a reply waiting for a running place on another process asks again. */
const RETRY_MS = 50;

/**
 * The site's reply places counted across processes: `inFlight` replies run at
 * once and `queue` more wait, whichever process they are on. Each process keeps
 * its own ReplySlots in front: the shares of one address and one visitor, and
 * the address-by-address turns, hold per process; the totals hold across them.
 * With the shared store away, each process counts alone, as without it.
 */
export class SharedReplySlots implements ReplyPlaces {
  constructor(
    private readonly local: ReplySlots,
    private readonly leases: SiteLeases,
    private readonly log: Log,
  ) {}

  async reserve(siteId: string, caller: ReplyCaller, limits: ReplySlotLimits): Promise<ReplySlot> {
    const slot = this.local.reserve(siteId, caller, limits);
    const lease = randomUUID();
    const taken = await this.tryTake('held', siteId, lease, limits.inFlight + limits.queue);
    if (!taken) {
      slot.release();
      throw full('The character is answering many people right now. Please try again shortly.');
    }
    let running = false;
    let released = false;
    return {
      acquire: async (signal) => {
        await slot.acquire(signal);
        // This process's turn has come: now wait for a place free across all of them.
        while (!signal?.aborted && !released && !(await this.tryTake('running', siteId, lease, limits.inFlight))) {
          await sleep(RETRY_MS + Math.random() * RETRY_MS, undefined, { signal }).catch(() => undefined);
        }
        running = true;
        if (released) this.leases.drop('running', siteId, lease);
      },
      release: () => {
        if (released) return;
        released = true;
        slot.release();
        this.leases.drop('held', siteId, lease);
        if (running) this.leases.drop('running', siteId, lease);
      },
    };
  }

  /** The store away: this process's own count (already passed) decides. */
  private async tryTake(pool: LeasePool, siteId: string, lease: string, capacity: number): Promise<boolean> {
    try {
      return await this.leases.take(pool, siteId, lease, capacity);
    } catch (error) {
      this.log.warn({ err: error, siteId }, 'redis is not answering: reply places are counted per process');
      return true;
    }
  }
}
