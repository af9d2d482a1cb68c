/**
 * Starts a TypeScript script in its own Node process for a benchmark, with an
 * IPC channel and the file-descriptor limit raised to the hard limit (each
 * socket is a descriptor). With `probe`, the process also runs with
 * --expose-gc and memory-probe.ts, so the parent can read its memory after GC;
 * with `cpuProbe`, cpu-probe.ts, so the parent can profile a stretch of its run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const PROBE = new URL('./memory-probe.ts', import.meta.url).pathname;
const CPU_PROBE = new URL('./cpu-probe.ts', import.meta.url).pathname;

// Never leave one running, whatever way the benchmark ends.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface MemoryFigures {
  /** VmRSS from /proc/<pid>/status, in bytes (what the kernel says the process holds). */
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** The event loop's longest pause since `resetPauses()` (or the start), in ms. */
  longestPauseMs: number;
}

export interface ProbedProcess {
  child: ChildProcess;
  pid: number;
  /** The soft file-descriptor limit the process runs with. */
  fdLimit: number;
  /** Collects garbage in the process, then reads its memory. Needs `probe`. */
  memory(): Promise<MemoryFigures>;
  /** Starts over the longest event-loop pause that `memory()` reports. Needs `probe`. */
  resetPauses(): void;
  /** Writes a heap snapshot of the process to `file`. Needs `probe`. */
  heapSnapshot(file: string): Promise<void>;
  /** Starts the CPU profiler in the process. Needs `cpuProbe`. */
  startProfile(): Promise<void>;
  /** Stops it and writes the .cpuprofile to `file`. */
  stopProfile(file: string): Promise<void>;
  /** SIGTERM (SIGKILL after `graceMs`) and wait for the exit. */
  stop(graceMs?: number): Promise<void>;
}

export interface ProbedOptions {
  args?: string[];
  env?: Record<string, string>;
  probe?: boolean;
  cpuProbe?: boolean;
  stdout?: 'pipe' | 'inherit' | 'ignore';
}

export function startProbed(script: string, options: ProbedOptions = {}): ProbedProcess {
  const flags = [
    ...(options.probe ? ['--expose-gc'] : []),
    '--import',
    'tsx',
    ...(options.probe ? ['--import', PROBE] : []),
    ...(options.cpuProbe ? ['--import', CPU_PROBE] : []),
  ];
  // sh raises the soft limit, then exec keeps the same pid (and the IPC descriptor) for node.
  const child = spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', process.execPath, ...flags, script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.stdout ?? 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid!;
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  return {
    child,
    pid,
    get fdLimit() {
      const line = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
      return Number(line?.[1] ?? NaN);
    },
    memory: () =>
      new Promise<MemoryFigures>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no memory answer in 30 s')), 30_000);
        const on = (m: unknown) => {
          if (typeof m !== 'object' || m === null || (m as { type?: string }).type !== 'memory') return;
          child.off('message', on);
          clearTimeout(timer);
          const heap = m as MemoryFigures & { gc: boolean };
          if (!heap.gc) return reject(new Error('the probe has no gc(): start with probe: true'));
          const vmRss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
          resolve({ rss: Number(vmRss![1]) * 1024, heapUsed: heap.heapUsed, heapTotal: heap.heapTotal, external: heap.external, arrayBuffers: heap.arrayBuffers, longestPauseMs: heap.longestPauseMs });
        };
        child.on('message', on);
        child.send('memory');
      }),
    resetPauses() {
      child.send('pauses-reset');
    },
    async heapSnapshot(file) {
      const saved = nextMessage(child, (m) => ((m as { type?: string } | null)?.type === 'heap-snapshot-saved' ? true : undefined), 120_000);
      child.send({ type: 'heap-snapshot', file });
      await saved;
    },
    async startProfile() {
      const started = nextMessage(child, (m) => ((m as { type?: string } | null)?.type === 'profile-started' ? true : undefined));
      child.send('profile-start');
      await started;
    },
    async stopProfile(file) {
      const saved = nextMessage(child, (m) => ((m as { type?: string } | null)?.type === 'profile-saved' ? true : undefined), 60_000);
      child.send({ type: 'profile-stop', file });
      await saved;
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The kernel's clock ticks per second for /proc figures (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU time a process has used so far, user + system, all threads, in seconds (from /proc/<pid>/stat). */
export function cpuSecondsOf(pid: number): number {
  // Fields after the command name (which may hold spaces, inside parentheses); utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The first IPC message that passes `pick`, e.g. the URL a baseline server sends once listening. */
export function nextMessage<T>(child: ChildProcess, pick: (m: unknown) => T | undefined, timeoutMs = 20_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message in ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => reject(new Error(`process exited (${code}) before answering`));
    const on = (m: unknown) => {
      const value = pick(m);
      if (value === undefined) return;
      clearTimeout(timer);
      child.off('message', on).off('exit', onExit);
      resolve(value);
    };
    child.on('message', on).once('exit', onExit);
  });
}

/** The URL Tipsy Chat's server/main.ts prints once it listens (stdout must be 'pipe'). */
export function printedUrl(child: ChildProcess, timeoutMs = 20_000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}
