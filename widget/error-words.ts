import type { ErrorBody } from '../server/protocol/errors.js';
import { chatEn, type ErrorKey } from './i18n/strings.js';

/** An error as the chat shows it: `words`, when set, say what the code alone cannot (a busy start is no fast sender). */
export type ShownError = ErrorBody & { words?: string };

/** English, where no locale's words are at hand. */
const english = (key: ErrorKey): string => chatEn[key];

/**
 * Human words for an error, in the chat's language (`t`, from widget/i18n): each code of
 * docs/protocol.md has its key (`error.RATE_LIMITED`). Validation messages from the server
 * are already human, and said as they come.
 */
export function humanError(error: ShownError, t: (key: ErrorKey) => string = english): string {
  const ownWords = error.code === 'INVALID_INPUT' || error.code === 'NOT_ALLOWED';
  // A code this build has no words for (from a newer server) finds none, and reads as INTERNAL.
  return error.words || (ownWords && error.message ? error.message : t(`error.${error.code}`) || t('error.INTERNAL'));
}
