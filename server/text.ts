import { z } from 'zod';

/**
 * The building blocks every stored or hashed string is parsed with (chat/inputs.ts
 * re-exports them). They live outside chat/ and characters/ so both can use them.
 */

/** UTF-8 turns each lone surrogate into U+FFFD: refused, or different strings would store and hash alike. */
export const NOT_WELL_FORMED = 'Text must be well-formed Unicode (this holds a lone surrogate).';

/** String.prototype.isWellFormed is ES2024 (Node 20 has it); the project's lib stops at ES2023 for the widget's sake. */
const isWellFormed = (value: string): boolean => (value as string & { isWellFormed(): boolean }).isWellFormed();

/** Postgres text cannot hold U+0000: a value kept as given (an id, a key) is refused with one, on every database alike. */
export const HOLDS_NUL = 'Text must not contain U+0000 (NUL).';

const WellFormed = z.string().refine(isWellFormed, NOT_WELL_FORMED);

/** Any text we store, hash or compare as given: well-formed Unicode without NUL, nothing else checked. */
export const Text = WellFormed.refine((value) => !value.includes('\u0000'), HOLDS_NUL);

/** C0 and C1 control characters and DEL: what a terminal acts on (escapes, CSI, carriage returns). */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/** The same, less the tab and line feed that long text keeps. */
const CONTROLS_BUT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Bidirectional embeddings, overrides and isolates: in a name they could make the text around it read backwards. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** A name or other one-line field: line breaks and tabs become a space, other controls go. */
export function toOneLine(value: string): string {
  return value.replace(LINE_BREAKS, ' ').replace(CONTROLS, '').replace(BIDI_CONTROLS, '');
}

/** Long text (a persona, a message): keeps tabs and line breaks (CR LF and CR become LF), drops other controls. */
export function toMultiline(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROLS_BUT_TAB_AND_NEWLINE, '');
}

/** Well-formed text on one line, without control characters; add trim/min/max after it. */
export const LineText = WellFormed.overwrite(toOneLine);

/** Well-formed long text without control characters other than tab and newline; add trim/min/max after it. */
export const MultilineText = WellFormed.overwrite(toMultiline);

/** Whether the text holds a control character (for values refused rather than cleaned, like URLs). */
export const hasControls = (value: string): boolean => CONTROL.test(value);

/** The first `max` UTF-16 units, never ending in half a surrogate pair (which would not be well-formed). */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\ud800-\udbff]/.test(value[max - 1] ?? '') ? max - 1 : max;
  return value.slice(0, end);
}
