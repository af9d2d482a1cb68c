import { TipsyError } from '../../errors.js';

const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Base64 to bytes, strictly: Node's decoder skips stray characters silently, so
 * garbage would decode to some bytes. Whitespace is allowed, padding may be left
 * out (some writers do), but a length base64 cannot have is refused.
 */
export function decodeBase64(base64: string, what: string): Buffer {
  const compact = base64.replace(/[\t\n\r ]/g, '');
  const padded = compact.length % 4 === 0 || (!compact.includes('=') && compact.length % 4 !== 1);
  if (!STRICT_BASE64.test(compact) || !padded) throw new TipsyError('INVALID_INPUT', `${what} is not valid base64.`);
  return Buffer.from(compact, 'base64');
}

/** Base64 of UTF-8 text (a card's JSON): bytes that are not UTF-8 are refused too. */
export function decodeBase64Text(base64: string, what: string): string {
  const bytes = decodeBase64(base64, what);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new TipsyError('INVALID_INPUT', `${what} is not UTF-8 text.`);
  }
}
