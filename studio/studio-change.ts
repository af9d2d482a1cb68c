import { messageOf } from './api.js';

/** A studio part that makes changes: busy while one runs, and the server's words when one fails. */
export interface ChangingPart extends EventTarget {
  busy: boolean;
  error: string | undefined;
}

/**
 * Runs a change from a studio part: busy meanwhile, its failure in words as `error`, and once done
 * `tipsy-studio-changed` (bubbling out of shadow roots) so the studio reads what changed again.
 * Resolves with the change's answer, or undefined when it failed.
 */
export async function runChange<T>(part: ChangingPart, change: () => Promise<T>): Promise<T | undefined> {
  part.busy = true;
  try {
    const answer = await change();
    part.error = undefined;
    part.dispatchEvent(new Event('tipsy-studio-changed', { bubbles: true, composed: true }));
    return answer;
  } catch (error) {
    part.error = messageOf(error);
    return undefined;
  } finally {
    part.busy = false;
  }
}
