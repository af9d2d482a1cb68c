import type { ErrorBody, ErrorCode } from '../server/protocol/errors.js';

const WORDS: Record<ErrorCode, string> = {
  INVALID_INPUT: 'That message could not be sent. Please check it and try again.',
  UNAUTHORIZED: 'Your chat session has ended. Reload the page to start a new one.',
  IDENTITY_REJECTED: 'We could not confirm who you are. Please sign in again.',
  FORBIDDEN_ORIGIN: 'Chat is not enabled on this website.',
  NOT_ALLOWED: 'This website does not allow that.',
  NOT_FOUND: 'This conversation could not be found.',
  RATE_LIMITED: 'You are sending messages too quickly. Please wait a moment.',
  UNAVAILABLE: 'Cannot reach the chat right now. Retrying…',
  INTERNAL: 'Something went wrong on our side. Please try again.',
};

/** Shown by <tipsy-chat> itself when the chat's code could not be downloaded (a network failure, a blocked request). */
export const CHAT_LOAD_FAILED = 'The chat could not be loaded. Check your connection and try again.';

/** Human words for an error; validation messages from the server are already human. */
export function humanError(error: ErrorBody): string {
  const ownWords = error.code === 'INVALID_INPUT' || error.code === 'NOT_ALLOWED';
  return ownWords && error.message ? error.message : (WORDS[error.code] ?? WORDS.INTERNAL);
}
