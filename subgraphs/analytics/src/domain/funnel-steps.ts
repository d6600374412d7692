/**
 * The figures of a funnel's steps from how many users reached each one (and
 * how long they took from the step before): conversion from step 1 and from
 * the previous step, drop-off, and the funnel's overall conversion. Pure
 * arithmetic; the counting happens in SQL (sql/funnel-query.ts).
 * Definitions: docs/analytics/funnels.md, "Figures".
 */

/** What SQL measured at one step: users who reached it, and their time from the previous step. */
export interface StepTally {
  users: number;
  medianSeconds: number | null;
  meanSeconds: number | null;
}

export interface FunnelStepFigures {
  /** 1-based. */
  index: number;
  count: number;
  /** count ÷ step-1 count; null when nobody did step 1. */
  conversionRate: number | null;
  /** count ÷ previous step's count (step 1: ÷ itself); null when the denominator is 0. */
  stepConversionRate: number | null;
  /** previous count − count; 0 for step 1. */
  dropOff: number;
  /** dropOff ÷ previous count (step 1: 0 ÷ itself); null when the denominator is 0. */
  dropOffRate: number | null;
  /** From the previous step to this one; null for step 1 and for a step nobody reached. */
  medianTimeToConvertSeconds: number | null;
  averageTimeToConvertSeconds: number | null;
}

const ratio = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);

/**
 * The figures of `stepCount` steps; `tallies[i]` is step i+1's tally, a
 * missing one meaning nobody reached it. Counts must not grow along the
 * funnel (a user at step k also counts at every earlier step).
 */
export function funnelStepFigures(tallies: readonly (StepTally | undefined)[], stepCount: number): FunnelStepFigures[] {
  const counts = Array.from({ length: stepCount }, (_, i) => tallies[i]?.users ?? 0);
  for (let i = 1; i < stepCount; i++) {
    if (counts[i]! > counts[i - 1]!) throw new Error(`funnel step ${i + 1} has more users (${counts[i]}) than step ${i} (${counts[i - 1]})`);
  }
  const first = counts[0] ?? 0;
  return counts.map((count, i) => {
    const previous = i === 0 ? count : counts[i - 1]!;
    const tally = tallies[i];
    const timed = i > 0 && count > 0;
    return {
      index: i + 1,
      count,
      conversionRate: ratio(count, first),
      stepConversionRate: ratio(count, previous),
      dropOff: previous - count,
      dropOffRate: ratio(previous - count, previous),
      medianTimeToConvertSeconds: timed ? (tally?.medianSeconds ?? null) : null,
      averageTimeToConvertSeconds: timed ? (tally?.meanSeconds ?? null) : null,
    };
  });
}

/** Last step's count ÷ first step's; null when nobody did step 1. */
export function overallConversion(steps: readonly Pick<FunnelStepFigures, 'count'>[]): number | null {
  if (steps.length === 0) return null;
  return ratio(steps[steps.length - 1]!.count, steps[0]!.count);
}
