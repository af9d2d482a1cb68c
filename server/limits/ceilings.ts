import { TipsyError } from '../errors.js';
import { Limits, type LimitsOverride, type LimitWindow } from './policy.js';

/**
 * The operator's limits (the defaults with TIPSY_LIMITS applied) are also
 * ceilings: a site may tighten any of them, never loosen one.
 *
 * A count is looser when it is higher. A window is looser when it lets more
 * through in the same time: more events at once (points above the
 * ceiling's), or more on average (points per second above the ceiling's).
 * So 10 per 20 s is within 5 per 10 s on average but not at once (a burst
 * of 10), and 3 per second is within it at once but not on average.
 */
function isLooser(value: number | LimitWindow, ceiling: number | LimitWindow): boolean {
  if (typeof value === 'number' || typeof ceiling === 'number') return Number(value) > Number(ceiling);
  // Cross-multiplied, so rates compare exactly: p/s > P/S  ⇔  p·S > P·s.
  return value.points > ceiling.points || value.points * ceiling.seconds > ceiling.points * value.seconds;
}

const names = (override: LimitsOverride) => Object.keys(override).filter((n): n is keyof Limits => n in Limits.shape);

const describe = (value: number | LimitWindow) =>
  typeof value === 'number' ? String(value) : `${value.points} per ${value.seconds} s`;

/** Refuses a site's overrides that loosen any limit past the operator's, naming the limit and its ceiling. */
export function assertWithinCeilings(override: LimitsOverride | null | undefined, ceilings: Limits): void {
  if (!override) return;
  const looser = names(override).filter((name) => isLooser(override[name]!, ceilings[name]));
  if (!looser.length) return;
  const each = looser.map((name) => `${name} may be at most ${describe(ceilings[name])} (asked: ${describe(override[name]!)})`);
  throw new TipsyError('INVALID_INPUT', `A site may tighten its limits but not loosen them past this server's: ${each.join('; ')}.`);
}

/**
 * A site's limits: the ceilings with the site's overrides applied, except
 * any that would loosen one (stored before the rule, or over a ceiling the
 * operator lowered since), which keep the ceiling's value.
 */
export function limitsWithin(ceilings: Limits, override: LimitsOverride | undefined): Limits {
  const limits: Limits = { ...ceilings };
  if (!override) return limits;
  for (const name of names(override)) {
    const value = override[name];
    if (value !== undefined && !isLooser(value, ceilings[name])) Object.assign(limits, { [name]: value });
  }
  return limits;
}
