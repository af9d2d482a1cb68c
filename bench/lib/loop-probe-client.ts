/**
 * Talks to loop-probe.ts in another process: by its pid, over a Unix socket
 * in Linux's abstract namespace (no file to clean up: it goes with the
 * process), one command a line, one JSON answer a line.
 */
import { connect, type Socket } from 'node:net';

/** The preload that answers: started with `--import tsx` first. */
export const LOOP_PROBE_FLAGS = ['--import', new URL('./loop-probe.ts', import.meta.url).pathname];

export const loopProbeAddress = (pid: number): string => `\0tipsy-loop-probe-${pid}`;

export interface LoopProbe {
  /** The longest pause (ms) since the last reset; with `reset`, starts over after answering. */
  ask(command: 'read' | 'reset'): Promise<number>;
  close(): void;
}

/** Calls `each` with every whole line that arrives on `socket`, without its newline. */
export function onLines(socket: Socket, each: (line: string) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      each(line);
    }
  });
}

/** A saturated server answers late, but answers: a probe that never does is a broken run. */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * Connects to the probe in `pid` and asks it once: a process's first answer costs it a lump of
 * one-time work (at 2,000 msgs/s over a 4 s window, +10 µs a message when it fell inside), which
 * must not fall in a measured window.
 * Undefined when the process runs no probe (nginx, a process started without it).
 */
export async function connectLoopProbe(pid: number): Promise<LoopProbe | undefined> {
  const socket = await new Promise<Socket | undefined>((resolve, reject) => {
    const s = connect(loopProbeAddress(pid));
    s.once('connect', () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? resolve(undefined) : reject(error)));
  });
  if (!socket) return undefined;
  const waiting: { resolve: (ms: number) => void; reject: (error: Error) => void }[] = [];
  onLines(socket, (line) => waiting.shift()?.resolve((JSON.parse(line) as { longestPauseMs: number }).longestPauseMs));
  const fail = (error: Error) => {
    for (const w of waiting.splice(0)) w.reject(error);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error(`the loop probe in ${pid} closed its socket`)));
  socket.setTimeout(ANSWER_TIMEOUT_MS, () => {
    if (waiting.length) socket.destroy(new Error(`no answer from the loop probe in ${pid} within ${ANSWER_TIMEOUT_MS} ms`));
  });
  const probe: LoopProbe = {
    ask: (command) =>
      new Promise<number>((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.write(`${command}\n`);
      }),
    close: () => socket.destroy(),
  };
  await probe.ask('read');
  return probe;
}
