/**
 * Preloaded into a process under test (`node --expose-gc --import tsx --import
 * memory-probe.ts …`): answers the parent's IPC 'memory' request with
 * process.memoryUsage() taken after full garbage collections, so the figures
 * are what the process holds, not what it has yet to collect; on
 * {type:'heap-snapshot', file}, writes a heap snapshot there (for finding what
 * holds the memory); and, with the memory, the event loop's longest pause
 * since the parent's last 'pauses-reset'. Adds nothing to the code under test.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';
import { watchLoopPauses } from './loop-pauses.js';

const gc = (globalThis as { gc?: () => void }).gc;
const pauses = watchLoopPauses();

process.on('message', (message: unknown) => {
  const snapshot = message as { type?: string; file?: string } | null;
  if (snapshot?.type === 'heap-snapshot' && snapshot.file) {
    writeHeapSnapshot(snapshot.file);
    process.send?.({ type: 'heap-snapshot-saved', file: snapshot.file });
    return;
  }
  if (message === 'pauses-reset') return pauses.reset();
  if (message !== 'memory') return;
  // Read before the collections below, which pause the loop themselves.
  const longestPauseMs = pauses.longestMs();
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
