import { TipsyError } from './errors.js';

/** How deep and how large an untrusted JSON value may be before anything walks or re-serialises it. */
export interface JsonBounds {
  maxDepth: number;
  maxNodes: number;
}

/**
 * Refuses a value nested deeper or holding more values than the bounds, with
 * INVALID_INPUT. JSON.parse builds a 100,000-deep array without complaint, but
 * JSON.stringify and any recursive walk overflow the stack on it (a 500), so
 * this walk keeps its own stack and stops at the first bound crossed.
 */
export function assertJsonBounds(value: unknown, bounds: JsonBounds, what: string): void {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let nodes = 0;
  while (pending.length) {
    const next = pending.pop()!;
    if (++nodes > bounds.maxNodes) {
      throw new TipsyError('INVALID_INPUT', `${what} holds more than ${bounds.maxNodes} values.`);
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= bounds.maxDepth) {
      throw new TipsyError('INVALID_INPUT', `${what} is nested more than ${bounds.maxDepth} levels deep.`);
    }
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
}
