/**
 * How long to wait before retry number `attempt` (0 first): `baseMs` doubled each time, at most
 * `capMs`, spread by ±`jitter` (a fraction) so clients that failed together do not retry together.
 */
export function backoff(attempt: number, baseMs: number, capMs: number, jitter = 0): number {
  return Math.min(capMs, baseMs * 2 ** attempt) * (1 + jitter * (2 * Math.random() - 1));
}
