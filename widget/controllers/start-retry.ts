import type { ErrorBody } from '../../server/protocol/errors.js';
import { isTransient } from '../error-kinds.js';
import type { ShownError } from '../error-words.js';
import type { ChatWords } from '../i18n/chat-locale.js';
import { backoff } from './backoff.js';

/**
 * A session that could not start: what the visitor is told, what the page's owner is told, and
 * when it is tried again (when the server said, or with backoff up to every 30 s).
 */
export class StartRetry {
  #attempts = 0;
  #timer?: ReturnType<typeof setTimeout>;
  /** The page's owner was told (once per element) why the site key cannot start a chat. */
  #warned = false;
  /** The start was refused by the session limit: nothing can be written until it is retried. */
  busy = false;

  /** A retry is scheduled. */
  get waiting(): boolean {
    return this.#timer !== undefined;
  }

  succeeded(): void {
    this.#attempts = 0;
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.busy = false;
  }

  /** Retries now rather than when scheduled. */
  now(retry: () => void): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    retry();
  }

  /** The start failed with `error`: returns what the visitor is shown, and schedules `retry` when worth it. */
  failed(error: ErrorBody, siteKey: string, words: ChatWords, retry: () => void): ShownError {
    if (!this.#warned && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN_ORIGIN')) {
      // The visitor sees neutral words; the page's owner learns here (once per element) what to fix.
      this.#warned = true;
      // Only a publishable key is named: a secret one pasted by mistake must not reach the console too.
      const key = siteKey.startsWith('pk_') ? `site key ${siteKey}` : 'a site-key that is not a publishable key (pk_…): if it is a secret key, rotate it';
      console.warn(`Tipsy Chat: ${error.message} (${error.code}, ${key}, page ${location.origin}). Check the site-key attribute and the site's origins.`);
    }
    let shown: ShownError = error;
    // The start was limited (new visitors per network), not the visitor's sending: say so, hold the composer.
    if ((this.busy = error.code === 'RATE_LIMITED')) {
      shown = { ...error, words: words.t('busy', { minutes: words.number(Math.ceil((error.retryAfterMs ?? 1) / 60_000)) }) };
    }
    if (isTransient(error.code)) {
      this.#timer = setTimeout(() => this.now(retry), error.retryAfterMs ?? backoff(this.#attempts++, 1000, 30_000));
    }
    return shown;
  }
}
