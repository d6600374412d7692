/**
 * Retention tables (PostHog's definitions, docs/analytics/retention-and-ltv.md):
 * which periods the cohorts are, and how counts per (cohort, offset) become a
 * triangle of values with rates and the size-weighted average rate per offset.
 * SQL counts; this module never touches the database.
 */
import { addBuckets, bucketStart } from './time-buckets.js';

export const RETENTION_PERIODS = ['DAY', 'WEEK', 'MONTH'] as const;
export type RetentionPeriod = (typeof RETENTION_PERIODS)[number];

export interface RetentionValue {
  offset: number;
  count: number;
  /** count ÷ cohort size; null for an empty cohort. */
  rate: number | null;
}

export interface RetentionCohort {
  start: Date;
  size: number;
  values: RetentionValue[];
}

/** The `periods` cohort starts, oldest first, the last being the period containing `to`. */
export function cohortStarts(to: Date, period: RetentionPeriod, periods: number): Date[] {
  const last = bucketStart(to, period);
  return Array.from({ length: periods }, (_, k) => addBuckets(last, period, k - periods + 1));
}

/**
 * The triangle: cohort k (0 = oldest) gets offsets 0 … periods − 1 − k (later
 * offsets are in the future). Offset 0 is the cohort itself. `returned(k, n)` is
 * the number of members of cohort k who came back n periods later (n ≥ 1).
 */
export function retentionTriangle(starts: readonly Date[], sizes: readonly number[], returned: (cohort: number, offset: number) => number): RetentionCohort[] {
  return starts.map((start, k) => {
    const size = sizes[k] ?? 0;
    const values = Array.from({ length: starts.length - k }, (_, offset) => {
      const count = offset === 0 ? size : returned(k, offset);
      return { offset, count, rate: size === 0 ? null : count / size };
    });
    return { start, size, values };
  });
}

/**
 * Per offset n, the size-weighted mean rate over the cohorts that have offset
 * n: Σ size × rate ÷ Σ size = Σ count ÷ Σ size; null when those cohorts are all empty.
 */
export function averageRates(cohorts: readonly RetentionCohort[]): (number | null)[] {
  return Array.from({ length: cohorts.length }, (_, n) => {
    let members = 0;
    let returning = 0;
    for (const cohort of cohorts) {
      const value = cohort.values[n];
      if (!value) continue;
      members += cohort.size;
      returning += value.count;
    }
    return members === 0 ? null : returning / members;
  });
}
