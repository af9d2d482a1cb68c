/**
 * What a load generator reads, over its measured window, about the processes
 * it loads: the CPU time each used (user + system, /proc), its own, and the
 * event loop's longest pause in each that runs loop-probe.ts.
 */
import { connectLoopProbe, type LoopProbe } from './loop-probe-client.js';
import { cpuSecondsOf } from './probed-process.js';

export interface WindowCpu {
  pids: number[];
  /** CPU ms each process used over the window. */
  ms: number[];
  /** The load generator's own CPU ms. */
  loadMs: number;
}

export interface WindowFigures {
  cpu: WindowCpu;
  /** Per pid: the event loop's longest pause over the window (ms); null where no loop probe runs. */
  longestPauseMs: (number | null)[];
}

export interface MeasuredWindow {
  /** Ends the window: CPU is read first, at the end itself, then the probes. */
  close(): Promise<WindowFigures>;
}

export interface WatchedProcesses {
  /** Starts the window now: the probes start over, then CPU is read. */
  openWindow(): Promise<MeasuredWindow>;
}

/** Connects to the processes' loop probes: before the load starts, so the connecting is not measured. */
export async function watchProcesses(pids: readonly number[]): Promise<WatchedProcesses> {
  const probes: (LoopProbe | undefined)[] = await Promise.all(pids.map(connectLoopProbe));
  return {
    async openWindow() {
      await Promise.all(probes.map((probe) => probe?.ask('reset')));
      const cpuBefore = pids.map(cpuSecondsOf);
      const ownBefore = process.cpuUsage();
      return {
        async close() {
          const ms = pids.map((pid, i) => Math.round((cpuSecondsOf(pid) - cpuBefore[i]!) * 1000));
          const own = process.cpuUsage(ownBefore);
          const pauses = await Promise.all(probes.map((probe) => probe?.ask('read')));
          for (const probe of probes) probe?.close();
          return {
            cpu: { pids: [...pids], ms, loadMs: Math.round((own.user + own.system) / 1000) },
            longestPauseMs: pauses.map((pause) => pause ?? null),
          };
        },
      };
    },
  };
}
