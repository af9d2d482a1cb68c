/** Prints for people (aligned text) or for scripts (`--json`, one JSON document on stdout). */
export interface Output {
  json: boolean;
}

/**
 * What a terminal may act on: C0 and C1 controls and DEL (escapes, CSI, carriage
 * returns, line breaks), the Unicode line separators, and the bidirectional
 * overrides and isolates that reorder what is shown.
 */
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same less C0, which JSON.stringify escapes itself (its raw line breaks are its own layout). */
const LEFT_RAW_BY_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visibleEscape(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`);
}

/**
 * Stored text as one line of plain characters: each control shows as a visible
 * escape (`\x1b`, `\n`), so names written before inputs were cleaned, or by
 * another tool, cannot clear the screen, colour it, or fake a row.
 */
export function plain(value: string | null | undefined): string {
  return (value ?? '').replace(TERMINAL_CONTROLS, visibleEscape);
}

/** The same for a whole human answer, keeping its own line breaks. */
const plainLines = (text: string) => text.split('\n').map(plain).join('\n');

/** The JSON stays valid and equal: only its raw DEL, C1, separators and bidi controls become `\uXXXX`. */
const plainJson = (json: string) => json.replace(LEFT_RAW_BY_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function print(out: Output, value: unknown, human: () => string): void {
  process.stdout.write(out.json ? `${plainJson(JSON.stringify(value, null, 2))}\n` : `${plainLines(human())}\n`);
}

/** A plain aligned table, one line per row whatever its cells hold; empty lists say so. */
export function table(rows: Record<string, string | null | undefined>[], empty = '(none)'): string {
  if (!rows.length) return empty;
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((c) => plain(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => values.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}
