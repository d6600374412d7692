/**
 * Customer lifetime value by cohort (docs/analytics/retention-and-ltv.md): the
 * cumulative revenue per cohort customer after each period, and the spread of
 * lifetime revenue over the customers (mean, percentiles, equal-width
 * histogram). Amounts are minor units of one currency; SQL sums them.
 */
import { quantileSorted } from 'simple-statistics';

/** Histogram buckets of the distribution (fewer when all customers have the same revenue). */
export const LTV_BUCKETS = 10;

export interface LtvBucket {
  lower: number;
  upper: number;
  customers: number;
}

export interface LtvDistribution {
  customers: number;
  /** Null without customers, like the percentiles. */
  mean: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  p90: number | null;
  max: number | null;
  buckets: LtvBucket[];
}

/**
 * Running totals of a cohort's revenue by offset, divided by its customers:
 * `revenueByOffset[n]` is what the cohort paid in its n-th period. An empty
 * cohort gets zeros (there is no one to divide among; `customers` says 0).
 */
export function cumulativePerCustomer(revenueByOffset: readonly number[], customers: number): number[] {
  let running = 0;
  return revenueByOffset.map((revenue) => {
    running += revenue;
    return customers === 0 ? 0 : running / customers;
  });
}

/**
 * Mean, percentiles (simple-statistics' quantile: linear interpolation between
 * order statistics, R type 7) and `LTV_BUCKETS` equal-width buckets from the
 * smallest to the largest lifetime revenue; each bucket is [lower, upper)
 * except the last, which includes the maximum.
 */
export function ltvDistribution(lifetimes: readonly number[]): LtvDistribution {
  const customers = lifetimes.length;
  if (customers === 0) return { customers, mean: null, p25: null, median: null, p75: null, p90: null, max: null, buckets: [] };
  const sorted = [...lifetimes].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[customers - 1]!;
  const q = (p: number) => quantileSorted(sorted, p);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / customers;
  return { customers, mean, p25: q(0.25), median: q(0.5), p75: q(0.75), p90: q(0.9), max, buckets: histogram(sorted, min, max) };
}

function histogram(sorted: readonly number[], min: number, max: number): LtvBucket[] {
  if (max === min) return [{ lower: min, upper: max, customers: sorted.length }];
  const width = (max - min) / LTV_BUCKETS;
  const buckets = Array.from({ length: LTV_BUCKETS }, (_, i) => ({
    lower: min + i * width,
    // the last upper is exactly max, not min + 10 × width (which may differ by rounding)
    upper: i === LTV_BUCKETS - 1 ? max : min + (i + 1) * width,
    customers: 0,
  }));
  for (const value of sorted) {
    const index = Math.min(LTV_BUCKETS - 1, Math.floor((value - min) / width));
    buckets[index]!.customers += 1;
  }
  return buckets;
}
