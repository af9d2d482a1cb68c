import { TipsyError } from '../errors.js';

/** Who asks for a reply: their share of the site's places is bounded. */
export interface ReplyCaller {
  visitorId: string;
  ip: string;
}

export interface ReplySlotLimits {
  inFlight: number;
  queue: number;
  /** Places (running or waiting) one address may hold. */
  perIp: number;
  /** Places one visitor may hold. */
  perVisitor: number;
}

interface SiteSlots {
  /** Reservations not yet released: running or waiting. */
  held: number;
  running: number;
  heldByIp: Map<string, number>;
  heldByVisitor: Map<string, number>;
  /**
   * Acquirers waiting for a running place, queued per address. The map's order
   * is the rotation: the address served moves to the back, so a busy address
   * takes turns with the others instead of going first every time.
   */
  waiting: Map<string, (() => void)[]>;
}

/** A place for one character reply: wait for its turn, then release it when done (in every case). */
export interface ReplySlot {
  /** Waits for a running place; `signal` (shutdown) may end the wait early, and the reply then does not run. */
  acquire(signal?: AbortSignal): Promise<void>;
  release(): void;
}

/** Where a site's reply places are counted: in this process (ReplySlots), or across processes (SharedReplySlots). */
export interface ReplyPlaces {
  /** Reserves a place, or throws RATE_LIMITED when the site's queue, or the caller's share of it, is full. */
  reserve(siteId: string, caller: ReplyCaller, limits: ReplySlotLimits): ReplySlot | Promise<ReplySlot>;
}

/** Why a place is refused: the site's places are all taken, or the caller's share of them. */
export const REFUSED = {
  site: 'The character is answering many people right now. Please try again shortly.',
  visitor: 'The character is still answering your earlier messages. Please wait for those replies.',
  ip: 'The character is answering many people on your network right now. Please try again shortly.',
} as const;

export const full = (message: string) => new TipsyError('RATE_LIMITED', message, { retryAfterMs: 2000 });

const bump = (counts: Map<string, number>, key: string, by: number) => {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
};

/**
 * Bounds character replies per site in this process: `inFlight` run at once,
 * up to `queue` more wait their turn, and beyond that a send is refused before
 * anything is written. The places are shared fairly: one address, and one
 * visitor, may hold only so many of them, and waiting replies are started
 * address by address in turn, not first come first served.
 */
export class ReplySlots implements ReplyPlaces {
  private readonly sites = new Map<string, SiteSlots>();

  /** Reserves a place, or throws RATE_LIMITED when the site's queue, or the caller's share of it, is full. */
  reserve(siteId: string, caller: ReplyCaller, limits: ReplySlotLimits): ReplySlot {
    const site = this.sites.get(siteId) ?? { held: 0, running: 0, heldByIp: new Map(), heldByVisitor: new Map(), waiting: new Map() };
    if (site.held >= limits.inFlight + limits.queue) {
      throw full(REFUSED.site);
    }
    if ((site.heldByVisitor.get(caller.visitorId) ?? 0) >= limits.perVisitor) {
      throw full(REFUSED.visitor);
    }
    if ((site.heldByIp.get(caller.ip) ?? 0) >= limits.perIp) {
      throw full(REFUSED.ip);
    }
    this.sites.set(siteId, site);
    site.held++;
    bump(site.heldByIp, caller.ip, 1);
    bump(site.heldByVisitor, caller.visitorId, 1);
    let state: 'reserved' | 'waiting' | 'running' | 'released' = 'reserved';
    let wake: (() => void) | undefined;

    return {
      acquire: () =>
        new Promise<void>((resolve) => {
          if (site.running < limits.inFlight && site.waiting.size === 0) {
            site.running++;
            state = 'running';
            return resolve();
          }
          state = 'waiting';
          wake = () => {
            state = 'running';
            resolve();
          };
          const line = site.waiting.get(caller.ip);
          if (line) line.push(wake);
          else site.waiting.set(caller.ip, [wake]);
          startWaiting(site, limits.inFlight);
        }),
      release: () => {
        if (state === 'released') return;
        if (state === 'running') site.running--;
        if (state === 'waiting') {
          const line = site.waiting.get(caller.ip)!;
          line.splice(line.indexOf(wake!), 1);
          if (!line.length) site.waiting.delete(caller.ip);
        }
        state = 'released';
        site.held--;
        bump(site.heldByIp, caller.ip, -1);
        bump(site.heldByVisitor, caller.visitorId, -1);
        startWaiting(site, limits.inFlight);
        if (site.held === 0) this.sites.delete(siteId);
      },
    };
  }
}

/** Starts waiting replies while places are free: the next address in turn, its oldest reply first. */
function startWaiting(site: SiteSlots, inFlight: number): void {
  while (site.running < inFlight && site.waiting.size) {
    const [ip, line] = site.waiting.entries().next().value!;
    site.waiting.delete(ip);
    const wake = line.shift()!;
    if (line.length) site.waiting.set(ip, line); // to the back of the rotation
    site.running++;
    wake();
  }
}
