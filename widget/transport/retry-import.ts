import { backoff } from '../controllers/backoff.js';

/**
 * After the chat module failed to download: calls `retry` once, when the browser says it is back
 * online or after a backoff (2 s doubling up to a minute, by the `failures` so far), whichever
 * comes first; the server being back is then noticed without the visitor's click. Returns a cancel.
 */
export function retryImportLater(failures: number, retry: () => void, events: EventTarget = globalThis): () => void {
  const cancel = () => {
    clearTimeout(timer);
    events.removeEventListener('online', again);
  };
  const again = () => {
    cancel();
    retry();
  };
  const timer = setTimeout(again, backoff(failures, 2000, 60_000));
  events.addEventListener('online', again);
  return cancel;
}
