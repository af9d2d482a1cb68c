/**
 * The durable-writes benchmark over several runs: the range of each row's
 * figures, and of Tipsy Chat's throughput against the bare echo server's on
 * each database, with how many runs reached the target.
 */
import { printTable, range } from './stats.js';

/** A row of one run's table: its label, and the figures whose ranges are summed up. */
export interface WritesRow {
  what: string;
  'msgs/s': number;
  /** The server process's CPU µs per acked message, for the rows that load a server. */
  'cpu µs/msg'?: number;
}

/** Throughput against the bare echo server's that counts as met. */
export const BARE_RATIO_TARGET = 0.5;

/** `ratios`: per database, Tipsy Chat's msgs/s over the bare echo server's in each run. */
export function printWritesSummary(tables: readonly WritesRow[][], ratios: ReadonlyMap<string, number[]>): void {
  const labels = [...new Set(tables.flat().map((row) => row.what))];
  const rows = labels.map((what) => {
    const each = tables.map((table) => table.find((row) => row.what === what));
    const cpu = each.map((row) => row?.['cpu µs/msg']);
    return {
      what,
      'msgs/s': range(each.map((row) => row?.['msgs/s']), 0),
      'cpu µs/msg': cpu.some((v) => v !== undefined) ? range(cpu, 0) : '',
    };
  });
  console.log(`\nOver ${tables.length} runs (min–max)\n`);
  printTable(rows);
  console.log('');
  for (const [database, values] of ratios) {
    const reached = values.filter((ratio) => ratio >= BARE_RATIO_TARGET).length;
    console.log(`Tipsy Chat on ${database} / bare echo: ${range(values, 2)}×; ${reached} of ${values.length} runs reached ≥ ${BARE_RATIO_TARGET}×`);
  }
}
