/** Seeded random payloads for the fuzz suites: a failure replays exactly from its seed. */
import { ERROR_CODES } from '../../server/protocol/errors.js';

/** mulberry32: a seeded generator. */
export function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

export type Rng = ReturnType<typeof random>;

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '__proto__',
  'constructor',
  '<img src=x onerror=alert(1)>',
  "'; DROP TABLE messages; --",
  '\ud800',
  'ann\udfff',
  '\u001b[2J',
  '🦊'.repeat(2001),
  'x'.repeat(4001),
  'y'.repeat(70_000),
];

export function randomString(r: Rng): string {
  if (r.next() < 0.3) return r.pick(NASTY_STRINGS);
  const length = r.pick([0, 1, 5, 64, 65, 300, 4000]);
  return Array.from({ length }, () => String.fromCharCode(r.int(r.next() < 0.9 ? 128 : 0xffff))).join('');
}

export function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 5 : 7)) {
    case 0:
      return r.pick([null, undefined, {}, []]);
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 0.5, 100, 101, NaN]);
    case 3:
    case 4:
      return randomString(r);
    case 5:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(5) }, () => [randomString(r).slice(0, 20), randomValue(r, depth + 1)]));
  }
}

/** Mostly the right shape with one part wrong, so validation is probed field by field. */
export function nearValid(r: Rng, valid: Record<string, unknown>, ids: readonly string[]): unknown {
  if (r.next() < 0.2) return randomValue(r);
  const out: Record<string, unknown> = { ...valid };
  for (const key of Object.keys(out)) {
    const roll = r.next();
    if (roll < 0.25) out[key] = randomValue(r);
    else if (roll < 0.35) delete out[key];
    else if (roll < 0.45) out[key] = r.pick(ids);
  }
  if (r.next() < 0.2) out[randomString(r).slice(0, 10) || 'extra'] = randomValue(r);
  return out;
}

/** Socket.IO packets are capped at 64 KB (a larger one closes its socket, tested in bad-input). */
export const fitsInPacket = (args: readonly unknown[]) => Buffer.byteLength(JSON.stringify(args) ?? '') < 60 * 1024;

export const isTypedError = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  ERROR_CODES.includes((error as { code: never }).code) &&
  typeof (error as { message?: unknown }).message === 'string';
