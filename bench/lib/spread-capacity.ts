/**
 * How many idle sockets the spread part can hold on this machine: every socket
 * is an open file, in its server process and in a client process, and a
 * process may open at most the hard limit (read here at run time, as the
 * probed processes raise their soft limit to it).
 */
import { readFileSync } from 'node:fs';
import { fmt } from './stats.js';

/** Files a server process holds besides its sockets (database pool, Redis, stdio, the loader), with room to spare. */
export const FILES_HEADROOM = 1000;
/** What the many-machines setup aims at. */
export const AIM = 100_000;

export interface SpreadCapacity {
  /** The hard open-file limit of a process here. */
  fileLimit: number;
  /** The most sockets one process (server or client) holds here, in whole thousands. */
  perProcess: number;
  /** Sockets the run opens in all. */
  sockets: number;
  /** Client processes it needs (at least `clients`). */
  clients: number;
  /** What limits the count, in words. */
  limitedBy: string;
  /** What the aim would need, in words, when this machine cannot hold it over these processes. */
  needsForAim?: string;
}

/** The hard limit on open files of this process (and of the processes it starts). */
export function hardFileLimit(): number {
  const line = /Max open files\s+\S+\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return line?.[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(line?.[1]);
}

/**
 * The count for `processes` servers: `requested`, or as many as the limit
 * allows with headroom. Throws if the requested count cannot fit.
 */
export function planSpread(processes: number, clients: number, requested?: number): SpreadCapacity {
  const fileLimit = hardFileLimit();
  const perProcess = Math.floor((fileLimit - FILES_HEADROOM) / 1000) * 1000;
  if (perProcess <= 0) throw new Error(`a process here may open only ${fileLimit} files: too few to hold sockets`);
  const most = processes * perProcess;
  if (requested !== undefined && requested > most) {
    throw new Error(`${fmt(requested)} sockets over ${processes} processes needs ${fmt(Math.ceil(requested / processes) + FILES_HEADROOM)} open files per process; the hard limit here is ${fmt(fileLimit)} (ulimit -Hn): at most ${fmt(most)}`);
  }
  const sockets = requested ?? most;
  const serversForAim = Math.ceil(AIM / perProcess);
  return {
    fileLimit,
    perProcess,
    sockets,
    clients: Math.max(clients, Math.ceil(sockets / perProcess)),
    limitedBy:
      `open files: the hard limit is ${fmt(fileLimit)} per process (ulimit -Hn), one per socket, ` +
      `${fmt(FILES_HEADROOM)} kept for the rest: at most ${fmt(perProcess)} sockets per server process, ${fmt(most)} over ${processes}`,
    needsForAim:
      most >= AIM
        ? undefined
        : `${fmt(AIM)} would need ${serversForAim} server processes of ${fmt(Math.ceil(AIM / serversForAim))} sockets at this limit ` +
          `(and as many client processes), or ${processes} processes of ${fmt(Math.ceil(AIM / processes))} with a hard limit of at least ${fmt(Math.ceil(AIM / processes) + FILES_HEADROOM)} open files each`,
  };
}
