/** Prints for people (aligned text) or for scripts (`--json`, one JSON document on stdout). */
export interface Output {
  json: boolean;
}

export function print(out: Output, value: unknown, human: () => string): void {
  process.stdout.write(out.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** A plain aligned table; empty lists say so. */
export function table(rows: Record<string, string | null | undefined>[], empty = '(none)'): string {
  if (!rows.length) return empty;
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => r[c] ?? '')))].join('\n');
}
