/**
 * The event loop's longest pause, from monitorEventLoopDelay: how long
 * anything waiting on the loop (a request, an ack, a broadcast) could have
 * waited. A histogram fed by one timer tick every 10 ms, in Node's C++: it
 * costs the process nothing measurable.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

export interface LoopPauses {
  /** Starts over: the longest pause from here on. */
  reset(): void;
  /** The longest pause since the start or the last reset, in ms. */
  longestMs(): number;
}

export function watchLoopPauses(): LoopPauses {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  return {
    reset: () => histogram.reset(),
    // The histogram records the whole time between two of its timer's ticks: the pause is what exceeds the timer's interval.
    longestMs: () => Math.max(0, histogram.max / 1e6 - RESOLUTION_MS),
  };
}
