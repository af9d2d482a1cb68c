/**
 * Preloaded into a process under test (`node --expose-gc --import tsx --import
 * memory-probe.ts …`): answers the parent's IPC 'memory' request with
 * process.memoryUsage() taken after full garbage collections, so the figures
 * are what the process holds, not what it has yet to collect; on
 * {type:'heap-snapshot', file}, writes a heap snapshot there (for finding what
 * holds the memory); and, with the memory, the event loop's longest pause
 * since the parent's last 'pauses-reset'. Adds nothing to the code under test.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';

const gc = (globalThis as { gc?: () => void }).gc;
/** How late the event loop ran: its longest pause is how long every request would have waited. */
const RESOLUTION_MS = 10;
const pauses = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
pauses.enable();

process.on('message', (message: unknown) => {
  const snapshot = message as { type?: string; file?: string } | null;
  if (snapshot?.type === 'heap-snapshot' && snapshot.file) {
    writeHeapSnapshot(snapshot.file);
    process.send?.({ type: 'heap-snapshot-saved', file: snapshot.file });
    return;
  }
  if (message === 'pauses-reset') return pauses.reset();
  if (message !== 'memory') return;
  // Read before the collections below, which pause the loop themselves. The histogram records the
  // whole time between two of its timer's ticks: the pause is what exceeds the timer's interval.
  const longestPauseMs = Math.max(0, pauses.max / 1e6 - RESOLUTION_MS);
  void (async () => {
    // Twice, with a pause: weak references and finalizers let go only on a later cycle.
    for (let i = 0; i < 2; i++) {
      gc?.();
      await sleep(100);
    }
    process.send?.({ type: 'memory', gc: gc !== undefined, longestPauseMs, ...process.memoryUsage() });
  })();
});
// The listener above must not keep a finished process alive.
process.channel?.unref();
