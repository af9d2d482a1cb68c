import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '../server/protocol/api.js';
import { base64Of } from './avatar-field.js';

export type ImportInput = inferRouterInputs<AppRouter>['admin']['characters']['import'];

/**
 * Character Card files in and out of the studio. A file travels as base64 (PNG, CHARX) or as
 * its JSON in a request the server caps at 256 KB: 190 KB of file is the most that fits as
 * base64, 250 KB as JSON. The server reads and checks the card itself.
 */
export const CARD_BINARY_MAX = 190 * 1024;
export const CARD_JSON_MAX = 250 * 1024;
export const CARD_ACCEPT = '.png,.json,.charx,image/png,application/json';

const isPng = (b: Uint8Array) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b;

/** What `admin.characters.import` takes for this file, or why it cannot be sent. */
export async function importInputOf(file: File): Promise<{ input: ImportInput } | { error: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isPng(bytes) || isZip(bytes)) {
    if (file.size > CARD_BINARY_MAX) return { error: `That file is ${Math.ceil(file.size / 1024)} KB: a card uploaded here can be at most ${CARD_BINARY_MAX / 1024} KB (the CLI takes larger ones).` };
    return { input: isPng(bytes) ? { pngBase64: base64Of(bytes) } : { charxBase64: base64Of(bytes) } };
  }
  if (file.size > CARD_JSON_MAX) return { error: `That file is ${Math.ceil(file.size / 1024)} KB: a JSON card uploaded here can be at most ${CARD_JSON_MAX / 1024} KB.` };
  try {
    return { input: { card: JSON.parse(new TextDecoder().decode(bytes)) as unknown } };
  } catch {
    return { error: 'That file is not a Character Card: not a PNG, a CHARX or JSON.' };
  }
}

/** Saves bytes or text as a file, as the browser downloads one. */
export function download(name: string, body: BlobPart, type: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([body], { type }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

export const bytesOf = (base64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
