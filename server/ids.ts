import { getRandomValues } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * A new id needs 16 random characters; asking the OS for each one separately
 * showed in profiles of busy servers, so random numbers are drawn a block at a time.
 */
const pool = new Uint32Array(1024);
let next = pool.length;
export function pooledRandom(): number {
  if (next === pool.length) {
    getRandomValues(pool);
    next = 0;
  }
  return pool[next++]! / 0x1_0000_0000;
}

const ulid = monotonicFactory(pooledRandom);

/** A new sortable id: within one process, later ids sort after earlier ones even in the same millisecond. */
export const newId = (): string => ulid();

export const nowIso = (): string => new Date().toISOString();

/** The UTC day of an instant, `YYYY-MM-DD`: how usage, refusals and budgets are counted. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
