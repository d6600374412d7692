/**
 * Small numeric helpers shared by the customer-success formulas, so every
 * figure is rounded and clamped the same documented way
 * (docs/customer-success-methods.md, "Conventions").
 */

export const MS_PER_DAY = 86_400_000;

/**
 * Rounds half away from zero (for the non-negative figures of this module that
 * is "round half up"). The 1e-9 nudge absorbs binary floating-point error, so
 * a value that is 72.5 on paper but 72.49999999999999 in a double still
 * rounds to 73, as a person checking the figure by hand would expect.
 */
export function roundHalfUp(value: number, decimals = 0): number {
  const factor = 10 ** decimals;
  const rounded = Math.floor(Math.abs(value) * factor + 0.5 + 1e-9) / factor;
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Elapsed days from `from` to `to`, fractional, negative when `to` is earlier. */
export function daysBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / MS_PER_DAY;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * MS_PER_DAY);
}

/** Weight of an observation `ageDays` old when its influence halves every `halfLifeDays`. */
export function decayWeight(ageDays: number, halfLifeDays: number): number {
  return 0.5 ** (Math.max(0, ageDays) / halfLifeDays);
}

/**
 * Weighted mean of the components that are present. A missing component's
 * weight is shared among the others in proportion to their weights, which is
 * the same rule the health score uses for missing factors. Null when none is
 * present.
 */
export function weightedMeanOfPresent(components: { value: number | null; weight: number }[]): number | null {
  let sum = 0;
  let weights = 0;
  for (const c of components) {
    if (c.value === null) continue;
    sum += c.value * c.weight;
    weights += c.weight;
  }
  return weights > 0 ? sum / weights : null;
}
