/**
 * The round-trip benchmark's figures per run (a sweep of the rates against
 * the bare echo server and ours), what each says of the server's own process,
 * and the summary over several runs: ranges, and how many runs met the target.
 */
import { highestRateHeld, holds, RECEIPT_P99_TARGET_MS } from './rate-held.js';
import type { RoundTripResult } from './round-trip-load.js';
import { printTable, range } from './stats.js';

export type ServerName = 'bare' | 'tipsy';
export const SERVER_LABELS: Record<ServerName, string> = { bare: 'bare Socket.IO', tipsy: 'Tipsy Chat' };

/** One run: each server's result at each offered rate. */
export type Sweep = Record<ServerName, Record<number, RoundTripResult>>;

/** The server's CPU µs per message sent in the measured window (the server is the load's first pid). */
export const cpuMicrosPerMessage = (result: RoundTripResult): number => (result.cpu ? (result.cpu.ms[0]! * 1000) / result.sent : NaN);

/** The server's event loop's longest pause over the measured window, in ms. */
export const longestPauseMs = (result: RoundTripResult): number => result.longestPauseMs?.[0] ?? NaN;

/** A round-trip result's rate and latency columns (ms), as every round-trip table prints them. */
export const latencyColumns = (offered: number, result: RoundTripResult): Record<string, number> => ({
  offered,
  achieved: result.achievedRate,
  'ack p50': result.ack.p50,
  'ack p99': result.ack.p99,
  'receipt p50': result.receipt.p50,
  'receipt p99': result.receipt.p99,
  'receipt max': result.receipt.max,
  'not received': result.sent - result.received,
});

export const heldIn = (sweep: Sweep, name: ServerName, rates: readonly number[]): number =>
  highestRateHeld(new Map(rates.map((rate) => [rate, sweep[name][rate]!])));

export function printRunsSummary(runs: readonly Sweep[], rates: readonly number[]): void {
  const rows: Record<string, string | number>[] = [];
  for (const rate of rates) {
    for (const name of ['bare', 'tipsy'] as const) {
      const results = runs.map((sweep) => sweep[name][rate]!);
      rows.push({
        server: name,
        offered: rate,
        'receipt p99': range(results.map((r) => r.receipt.p99)),
        'ack p99': range(results.map((r) => r.ack.p99)),
        'cpu µs/msg': range(results.map(cpuMicrosPerMessage), 0),
        'longest pause ms': range(results.map(longestPauseMs)),
        'runs met target': `${results.filter(holds).length} of ${runs.length}`,
      });
    }
  }
  console.log(`\nOver ${runs.length} runs, each on freshly started servers (min–max; target: receipt p99 ≤ ${RECEIPT_P99_TARGET_MS} ms, every message received)\n`);
  printTable(rows);
  const held = (name: ServerName) => `${SERVER_LABELS[name]} ${runs.map((sweep) => heldIn(sweep, name, rates)).join(', ')}`;
  console.log(`\nHighest offered rate held in each run (every lower rate held too), msgs/s: ${held('tipsy')}; ${held('bare')}`);
}
