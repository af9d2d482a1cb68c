/** When a round-trip run counts as held, and the highest offered rate held. */
import type { RoundTripResult } from './round-trip-load.js';

export const RECEIPT_P99_TARGET_MS = 25;

/** Every message received, with a receipt p99 within the target. */
export const holds = (result: RoundTripResult): boolean => result.receipt.p99 <= RECEIPT_P99_TARGET_MS && result.sent === result.received;

/** The highest rate held with every lower rate held too: a lucky top rate after a missed one does not count. */
export function highestRateHeld(results: ReadonlyMap<number, RoundTripResult>): number {
  let best = 0;
  for (const rate of [...results.keys()].sort((a, b) => a - b)) {
    if (!holds(results.get(rate)!)) break;
    best = rate;
  }
  return best;
}
