import { describe, expect, it } from 'vitest';
import { cumulativePerCustomer, ltvDistribution } from './ltv.js';

describe('cumulativePerCustomer', () => {
  it('divides the running total by the cohort’s customers', () => {
    // running totals 1,000 / 1,000 / 4,000 / 4,500 over 4 customers
    expect(cumulativePerCustomer([1000, 0, 3000, 500], 4)).toEqual([250, 250, 1000, 1125]);
  });

  it('gives zeros for an empty cohort instead of dividing by zero', () => {
    expect(cumulativePerCustomer([0, 0], 0)).toEqual([0, 0]);
  });
});

describe('ltvDistribution', () => {
  it('computes mean, type-7 percentiles and ten equal-width buckets', () => {
    // sorted 0 0 1,000 2,000 10,000 (5 customers)
    const d = ltvDistribution([2000, 0, 10_000, 0, 1000]);
    // mean 13,000 ÷ 5 = 2,600
    expect(d.customers).toBe(5);
    expect(d.mean).toBe(2600);
    // position (n − 1) × p = 4p: p25 → 1 → 0; median → 2 → 1,000; p75 → 3 → 2,000
    expect([d.p25, d.median, d.p75]).toEqual([0, 1000, 2000]);
    // p90 → 3.6: 2,000 + 0.6 × (10,000 − 2,000) = 6,800
    expect(d.p90).toBeCloseTo(6800, 9);
    expect(d.max).toBe(10_000);
    // width (10,000 − 0) ÷ 10 = 1,000: 0, 0 → [0, 1,000); 1,000 → [1,000, 2,000); 2,000 → [2,000, 3,000); 10,000 → the last bucket
    expect(d.buckets).toHaveLength(10);
    expect(d.buckets.map((b) => b.customers)).toEqual([2, 1, 1, 0, 0, 0, 0, 0, 0, 1]);
    expect(d.buckets[9]).toEqual({ lower: 9000, upper: 10_000, customers: 1 });
  });

  it('has one bucket when every customer has the same lifetime revenue', () => {
    expect(ltvDistribution([500, 500]).buckets).toEqual([{ lower: 500, upper: 500, customers: 2 }]);
  });

  it('is empty, with null statistics, without customers', () => {
    expect(ltvDistribution([])).toEqual({ customers: 0, mean: null, p25: null, median: null, p75: null, p90: null, max: null, buckets: [] });
  });
});
