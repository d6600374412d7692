import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { prorate } from './proration.js';

const d = (iso: string) => new Date(iso);
// 2026-01-01 → 2026-01-31: 30 days = 2,592,000 s
const JANUARY = { periodStart: d('2026-01-01T00:00:00Z'), periodEnd: d('2026-01-31T00:00:00Z') };

describe('prorate', () => {
  it('credits half the old amount and charges half the new one exactly halfway', () => {
    // 15 of 30 days left: −1000/2, +2000/2
    expect(prorate({ ...JANUARY, changeAt: d('2026-01-16T00:00:00Z'), oldAmountMinor: 1000, newAmountMinor: 2000 })).toEqual({
      unusedFraction: { numerator: 1_296_000, denominator: 2_592_000 },
      creditMinor: -500,
      chargeMinor: 1000,
      netMinor: 500,
    });
  });

  it('gives a negative net on a downgrade', () => {
    expect(prorate({ ...JANUARY, changeAt: d('2026-01-16T00:00:00Z'), oldAmountMinor: 2000, newAmountMinor: 1000 })).toMatchObject({
      creditMinor: -1000,
      chargeMinor: 500,
      netMinor: -500,
    });
  });

  it('swaps the full amounts when the change is at the period start', () => {
    expect(prorate({ ...JANUARY, changeAt: JANUARY.periodStart, oldAmountMinor: 1000, newAmountMinor: 2000 })).toEqual({
      unusedFraction: { numerator: 2_592_000, denominator: 2_592_000 },
      creditMinor: -1000,
      chargeMinor: 2000,
      netMinor: 1000,
    });
  });

  it('prorates one second before the end', () => {
    // 1 s of 2,592,000: 2,592,000 × 1/2,592,000 = 1; 3,888,000 × 1/2,592,000 = 1.5 → 2 (half away from zero)
    expect(prorate({ ...JANUARY, changeAt: d('2026-01-30T23:59:59Z'), oldAmountMinor: 2_592_000, newAmountMinor: 3_888_000 })).toEqual({
      unusedFraction: { numerator: 1, denominator: 2_592_000 },
      creditMinor: -1,
      chargeMinor: 2,
      netMinor: 1,
    });
    // Small amounts round to nothing, and the credit is 0, not −0.
    const tiny = prorate({ ...JANUARY, changeAt: d('2026-01-30T23:59:59Z'), oldAmountMinor: 1000, newAmountMinor: 2000 });
    expect(Object.is(tiny.creditMinor, 0)).toBe(true);
    expect(tiny).toMatchObject({ chargeMinor: 0, netMinor: 0 });
  });

  it('rounds each line on its own', () => {
    // February 2026 has 28 days; from 11 February 18 are left: 18/28 = 9/14.
    // 1000 × 9/14 = 642.86 → 643; 2500 × 9/14 = 1607.14 → 1607; net 1607 − 643 = 964
    const february = { periodStart: d('2026-02-01T00:00:00Z'), periodEnd: d('2026-03-01T00:00:00Z') };
    expect(prorate({ ...february, changeAt: d('2026-02-11T00:00:00Z'), oldAmountMinor: 1000, newAmountMinor: 2500 })).toEqual({
      unusedFraction: { numerator: 1_555_200, denominator: 2_419_200 },
      creditMinor: -643,
      chargeMinor: 1607,
      netMinor: 964,
    });
  });

  it('rounds halves away from zero in both directions', () => {
    // 4 s period, 3 s left: 10 × 3/4 = 7.5 → credit −8; 2 × 3/4 = 1.5 → charge 2; net −6
    const short = { periodStart: d('2026-01-01T00:00:00Z'), periodEnd: d('2026-01-01T00:00:04Z') };
    expect(prorate({ ...short, changeAt: d('2026-01-01T00:00:01Z'), oldAmountMinor: 10, newAmountMinor: 2 })).toMatchObject({
      creditMinor: -8,
      chargeMinor: 2,
      netMinor: -6,
    });
  });

  it('counts a change from the start of its second', () => {
    const atMs = prorate({ ...JANUARY, changeAt: d('2026-01-16T00:00:00.999Z'), oldAmountMinor: 1000, newAmountMinor: 2000 });
    expect(atMs.unusedFraction.numerator).toBe(1_296_000);
    expect(atMs.netMinor).toBe(500);
  });

  it('is exact for the largest amounts', () => {
    // (2^53 − 1) / 2 = 4,503,599,627,370,495.5 → 4,503,599,627,370,496
    const big = prorate({ ...JANUARY, changeAt: d('2026-01-16T00:00:00Z'), oldAmountMinor: Number.MAX_SAFE_INTEGER, newAmountMinor: 0 });
    expect(big.creditMinor).toBe(-4_503_599_627_370_496);
    expect(big.chargeMinor).toBe(0);
  });

  it.each([
    ['at the period end', '2026-01-31T00:00:00Z'],
    ['after the period', '2026-02-05T00:00:00Z'],
    ['before the period', '2025-12-31T23:59:59.999Z'],
  ])('refuses a change %s', (_, changeAt) => {
    try {
      prorate({ ...JANUARY, changeAt: d(changeAt), oldAmountMinor: 1000, newAmountMinor: 2000 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors.map((e) => e.path)).toEqual(['changeAt']);
    }
  });

  it('refuses an empty period and bad amounts', () => {
    const instant = d('2026-01-01T00:00:00Z');
    expect(() => prorate({ periodStart: instant, periodEnd: instant, changeAt: instant, oldAmountMinor: 1, newAmountMinor: 1 })).toThrow('periodEnd');
    expect(() => prorate({ ...JANUARY, changeAt: JANUARY.periodStart, oldAmountMinor: -1, newAmountMinor: 1 })).toThrow('oldAmountMinor');
    expect(() => prorate({ ...JANUARY, changeAt: JANUARY.periodStart, oldAmountMinor: 1, newAmountMinor: 1.5 })).toThrow('newAmountMinor');
    expect(() => prorate({ ...JANUARY, changeAt: new Date(Number.NaN), oldAmountMinor: 1, newAmountMinor: 1 })).toThrow('changeAt');
  });
});
