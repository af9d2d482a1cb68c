import { TipsyError } from '../errors.js';

interface SiteSlots {
  /** Reservations not yet released: running or waiting. */
  held: number;
  running: number;
  /** Acquirers waiting for a running place, first come first served. */
  waiting: (() => void)[];
}

/** A place for one character reply: wait for its turn, then release it when done (in every case). */
export interface ReplySlot {
  acquire(): Promise<void>;
  release(): void;
}

/**
 * Bounds character replies per site in this process: `inFlight` run at once,
 * up to `queue` more wait their turn, and beyond that a send is refused before
 * anything is written.
 */
export class ReplySlots {
  private readonly sites = new Map<string, SiteSlots>();

  /** Reserves a place, or throws RATE_LIMITED when the site's queue is full. */
  reserve(siteId: string, limits: { inFlight: number; queue: number }): ReplySlot {
    const site = this.sites.get(siteId) ?? { held: 0, running: 0, waiting: [] };
    if (site.held >= limits.inFlight + limits.queue) {
      throw new TipsyError('RATE_LIMITED', 'The character is answering many people right now. Please try again shortly.', {
        retryAfterMs: 2000,
      });
    }
    this.sites.set(siteId, site);
    site.held++;
    let state: 'reserved' | 'waiting' | 'running' | 'released' = 'reserved';
    let wake: (() => void) | undefined;

    return {
      acquire: () =>
        new Promise<void>((resolve) => {
          if (site.running < limits.inFlight) {
            site.running++;
            state = 'running';
            return resolve();
          }
          state = 'waiting';
          wake = () => {
            state = 'running';
            resolve();
          };
          site.waiting.push(wake);
        }),
      release: () => {
        if (state === 'released') return;
        if (state === 'running') site.running--;
        if (state === 'waiting') site.waiting.splice(site.waiting.indexOf(wake!), 1);
        state = 'released';
        site.held--;
        while (site.running < limits.inFlight && site.waiting.length) {
          site.running++;
          site.waiting.shift()!();
        }
        if (site.held === 0) this.sites.delete(siteId);
      },
    };
  }
}
