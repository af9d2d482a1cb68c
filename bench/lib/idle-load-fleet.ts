/**
 * The client processes of the idle-sockets benchmark (idle-sockets-load.ts),
 * driven together: each starts its share of the visitor sessions, then
 * connects its sockets on request, spread over the servers' urls by each
 * visitor's global index, so every server gets an even share.
 */
import type { ChildProcess, Serializable } from 'node:child_process';
import { nextMessage, startProbed, type ProbedProcess } from './probed-process.js';

const LOAD = new URL('./idle-sockets-load.ts', import.meta.url).pathname;
const LONG_MS = 30 * 60_000;

export interface LoadReport {
  type: string;
  phase?: 'sessions' | 'sockets';
  done?: number;
  joined?: number;
  failed?: number;
  firstError?: string;
  ms?: number;
  connected?: number;
  /** Per url of the connect message, in its order. */
  joinedPerUrl?: number[];
  lastJoinMsPerUrl?: number[];
  connectedPerUrl?: (number | null)[];
  error?: string;
}

export interface FleetOptions {
  sockets: number;
  clients: number;
  /** Where the sessions start, with which site key; none: made-up visitors for a bare server. */
  sessions?: { url: string; siteKey: string };
  /** The first address client k connects from. */
  addressOf(k: number): string;
  /** A new source address after every that many sockets; unset: one address per client. */
  socketsPerAddress?: number;
  /** Called with the fleet's total done so far, on every progress report. */
  onProgress(phase: 'sessions' | 'sockets', done: number): void;
}

export interface LoadFleet {
  /** Resolves once every client holds its visitors (sessions started); throws if one failed. */
  ready(): Promise<void>;
  /** Connects every socket to `urls` and resolves to each client's report. */
  connect(urls: string[]): Promise<LoadReport[]>;
  /** What each client still holds connected. */
  status(): Promise<LoadReport[]>;
  /** Closes every socket and waits for the clients to exit. */
  close(): Promise<void>;
  /** Stops whatever is left (safe to call after close). */
  stop(): Promise<void>;
}

// A load process that fails says so instead of its expected answer.
const ofType = (type: string) => (m: unknown) => {
  const report = m as LoadReport | null;
  return report?.type === type || report?.type === 'failed' ? report : undefined;
};

/** Sends `message` to every load process and waits for each one's answer of `type`. */
function all(loads: ChildProcess[], type: string, message: Serializable | undefined, timeoutMs: number): Promise<LoadReport[]> {
  const answers = loads.map((load) => nextMessage(load, ofType(type), timeoutMs));
  if (message !== undefined) for (const load of loads) load.send(message);
  return Promise.all(answers);
}

export function startLoadFleet(options: FleetOptions): LoadFleet {
  const { sockets, clients } = options;
  const loads: ProbedProcess[] = [];
  const done: Record<string, number[]> = { sessions: [], sockets: [] };
  let offset = 0;
  for (let k = 0; k < clients; k++) {
    const share = Math.floor(sockets / clients) + (k < sockets % clients ? 1 : 0);
    // Contiguous offsets: the global indexes are 0…sockets−1, so the urls get equal shares.
    const args = [options.sessions?.url ?? '-', options.sessions?.siteKey ?? '-', String(share), options.addressOf(k), String(offset)];
    if (options.socketsPerAddress) args.push(String(options.socketsPerAddress));
    offset += share;
    const load = startProbed(LOAD, { args });
    load.child.on('message', (m: LoadReport) => {
      if (m.type !== 'progress' || !m.phase) return;
      done[m.phase]![k] = m.done ?? 0;
      options.onProgress(m.phase, done[m.phase]!.reduce((a, b) => a + b, 0));
    });
    loads.push(load);
  }
  const children = loads.map((l) => l.child);
  return {
    async ready() {
      const failure = (await all(children, 'ready', undefined, LONG_MS)).find((r) => r.type === 'failed');
      if (failure) throw new Error(`a load process failed: ${failure.error}`);
    },
    connect: (urls) => all(children, 'connected', { type: 'connect', urls }, LONG_MS),
    status: () => all(children, 'status', 'status', 30_000),
    async close() {
      for (const load of children) if (load.connected) load.send('close');
      await Promise.all(loads.map((l) => l.stop(5000)));
    },
    stop: () => Promise.all(loads.map((l) => l.stop(1000))).then(() => undefined),
  };
}
