import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Log } from '../log.js';
import { full, REFUSED, type ReplyCaller, type ReplyPlaces, type ReplySlot, type ReplySlotLimits, type ReplySlots } from './reply-slots.js';

/** One count a place is taken in: its name within the site (`held`, `running`, one caller's share) and how many it holds. */
export interface LeaseCount {
  name: string;
  capacity: number;
}

/**
 * A site's places, counted across processes: each place is a lease that
 * expires unless the process holding it keeps it alive, so the places of a
 * process that died free themselves. Implemented over Redis (realtime/redis-site-leases.ts).
 */
export interface SiteLeases {
  /** Takes a place in every count for `lease`, or in none: -1 when taken, else the index of the first full count. Throws when the store is away. */
  take(siteId: string, lease: string, counts: readonly LeaseCount[]): Promise<number>;
  /** Gives the lease's places in the named counts back (and stops keeping them alive). */
  drop(siteId: string, lease: string, names: readonly string[]): void;
}

/** How often a reply waiting for a running place on another process asks again. */
const RETRY_MS = 50;

/**
 * The site's reply places counted across processes: `inFlight` replies run at
 * once and `queue` more wait, whichever process they are on, and one visitor's
 * and one address's shares of them hold across processes too. Each process
 * keeps its own ReplySlots in front, for the address-by-address turns of the
 * replies waiting on it. With the shared store away, each process counts alone, as without it.
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
    const held = [
      { name: 'held', capacity: limits.inFlight + limits.queue, refusal: REFUSED.site },
      { name: `held-by-visitor:${caller.visitorId}`, capacity: limits.perVisitor, refusal: REFUSED.visitor },
      { name: `held-by-ip:${caller.ip}`, capacity: limits.perIp, refusal: REFUSED.ip },
    ];
    const refused = held[await this.tryTake(siteId, lease, held)];
    if (refused) {
      slot.release();
      throw full(refused.refusal);
    }
    let running = false;
    let released = false;
    const runningPlace = [{ name: 'running', capacity: limits.inFlight }];
    return {
      acquire: async (signal) => {
        await slot.acquire(signal);
        // This process's turn has come: now wait for a place free across all of them.
        while (!signal?.aborted && !released && (await this.tryTake(siteId, lease, runningPlace)) >= 0) {
          await sleep(RETRY_MS + Math.random() * RETRY_MS, undefined, { signal }).catch(() => undefined);
        }
        running = true;
        if (released) this.leases.drop(siteId, lease, ['running']);
      },
      release: () => {
        if (released) return;
        released = true;
        slot.release();
        this.leases.drop(siteId, lease, running ? [...held.map((c) => c.name), 'running'] : held.map((c) => c.name));
      },
    };
  }

  /** The store away: this process's own counts (already passed) decide. */
  private async tryTake(siteId: string, lease: string, counts: readonly LeaseCount[]): Promise<number> {
    try {
      return await this.leases.take(siteId, lease, counts);
    } catch (error) {
      this.log.warn({ err: error, siteId }, 'redis is not answering: reply places are counted per process');
      return -1;
    }
  }
}
