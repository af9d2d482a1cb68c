/** Percentiles and a plain table for benchmark output. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50, p99 and max of a set of latencies (ms), as the load generators report them. */
export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): Latency & { count: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

/** A count or a rate for people: rounded, with thousands separators. */
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * A figure over several runs, as `min–max` with `digits` decimals (one value when they agree).
 * Runs without the figure (nothing received, no probe) are said, not dropped silently.
 */
export function range(values: readonly (number | null | undefined)[], digits = 1): string {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const missing = values.length - known.length;
  if (!known.length) return 'none';
  const [low, high] = [Math.min(...known), Math.max(...known)].map((v) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  return `${low === high ? low : `${low}–${high}`}${missing ? ` (${missing} without)` : ''}`;
}

export function printTable(rows: Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => cell(row[c] ?? ''))));
}

/** One line that rewrites itself, for progress. */
export function progress(text: string): void {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${text}`);
}

export function progressDone(): void {
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
}
