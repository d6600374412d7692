import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import type { BillingInterval } from './intervals.js';
import { change, randomLedger, STORY } from './mrr-ledger.test-fixtures.js';
import { monthlyRevenueReport, normaliseToMonthlyMinor, revenueSnapshot } from './revenue.js';

const d = (iso: string) => new Date(iso);

describe('normaliseToMonthlyMinor', () => {
  it.each([
    [120_000, 'YEAR', 1, 10_000], // 120,000 / 12
    [1000, 'WEEK', 1, 4333], // 1,000 × 52/12 = 4,333.33
    [3000, 'MONTH', 3, 1000], // 3,000 / 3
    [1000, 'DAY', 1, 30_417], // 1,000 × 365/12 = 30,416.67
    [100, 'WEEK', 2, 217], // 100 × 52/24 = 216.67
    [999, 'YEAR', 1, 83], // 83.25
    [1, 'MONTH', 2, 1], // 0.5 → 1
    [-1, 'MONTH', 2, -1], // −0.5 → −1 (half away from zero)
    [0, 'YEAR', 3, 0],
  ] as [number, BillingInterval, number, number][])('%d per %s × %d is %d a month', (amount, interval, count, monthly) => {
    expect(normaliseToMonthlyMinor(amount, interval, count)).toBe(monthly);
  });

  it('refuses fractional amounts and bad counts', () => {
    expect(() => normaliseToMonthlyMinor(10.5, 'MONTH', 1)).toThrow('amountMinor');
    expect(() => normaliseToMonthlyMinor(100, 'WEEK', 53)).toThrow('intervalCount');
  });
});

describe('revenueSnapshot', () => {
  it('gives MRR, ARR, paying customers and ARPU at an instant', () => {
    // End of March: A 12,000 + B 6,000 + C 10,000 + D 4,000 = 32,000 over 4 customers
    expect(revenueSnapshot(STORY, d('2026-03-31T23:59:59.999Z'))).toEqual({ mrrMinor: 32_000, arrMinor: 384_000, payingCustomers: 4, arpuMinor: 8000 });
  });

  it('rounds ARPU half away from zero', () => {
    // End of February: 29,000 / 3 = 9,666.67
    expect(revenueSnapshot(STORY, d('2026-02-28T23:59:59.999Z')).arpuMinor).toBe(9667);
  });

  it('is zero without paying customers', () => {
    expect(revenueSnapshot([], d('2026-01-01T00:00:00Z'))).toEqual({ mrrMinor: 0, arrMinor: 0, payingCustomers: 0, arpuMinor: 0 });
  });
});

describe('monthlyRevenueReport', () => {
  const report = monthlyRevenueReport(STORY, {
    months: 3,
    endMonth: d('2026-03-15T00:00:00Z'),
    collectedByMonth: new Map([['2026-02', 30_500]]),
  });
  const [january, february, march] = report.months;

  it('lists the months oldest first', () => {
    expect(report.months.map((m) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('bridges January', () => {
    // start A 10,000 + B 5,000 + D 3,000 = 18,000; A +5,000; C new 8,000 → 31,000 over 4 customers
    expect(january).toEqual({
      month: '2026-01',
      startMrrMinor: 18_000,
      newMrrMinor: 8000,
      expansionMrrMinor: 5000,
      contractionMrrMinor: 0,
      churnedMrrMinor: 0,
      reactivationMrrMinor: 0,
      endMrrMinor: 31_000,
      netNewMrrMinor: 13_000,
      payingCustomersEnd: 4,
      arpuMinor: 7750, // 31,000 / 4
      arrMinor: 372_000,
      netRevenueRetention: 23 / 18, // (18,000 + 5,000) / 18,000; C is new, not in the cohort
      grossRevenueRetention: 1,
      growthRate: 13 / 18, // 31,000 / 18,000 − 1
      collectedMinor: 0,
    });
  });

  it('bridges February, keeping customers who joined and left in the month out of retention', () => {
    // 31,000 + new 1,000 (E) + expansion 3,000 (C 2,000, D 1,000) − churn 6,000 (B 5,000, E 1,000) = 29,000
    expect(february).toMatchObject({
      startMrrMinor: 31_000,
      newMrrMinor: 1000,
      expansionMrrMinor: 3000,
      churnedMrrMinor: 6000,
      endMrrMinor: 29_000,
      netNewMrrMinor: -2000,
      payingCustomersEnd: 3,
      arpuMinor: 9667, // 29,000 / 3 = 9,666.67
      arrMinor: 348_000,
      collectedMinor: 30_500,
    });
    // Cohort A, B, C, D: (31,000 + 3,000 − 5,000) / 31,000; E's churn is not the cohort's
    expect(february!.netRevenueRetention).toBeCloseTo(29 / 31, 12); // 0.9355
    expect(february!.grossRevenueRetention).toBeCloseTo(26 / 31, 12); // 0.8387
    expect(february!.growthRate).toBeCloseTo(-2 / 31, 12); // −0.0645
  });

  it('bridges March, counting a change at 00:00 on the 1st in March', () => {
    // 29,000 − A's 3,000 contraction at 1 March 00:00 + B's 6,000 reactivation = 32,000
    expect(march).toMatchObject({
      startMrrMinor: 29_000,
      newMrrMinor: 0,
      contractionMrrMinor: 3000,
      reactivationMrrMinor: 6000,
      endMrrMinor: 32_000,
      netNewMrrMinor: 3000,
      payingCustomersEnd: 4,
      arpuMinor: 8000,
      arrMinor: 384_000,
    });
    // Cohort A, C, D: (29,000 − 3,000) / 29,000; B's return is reactivation, not retention
    expect(march!.netRevenueRetention).toBeCloseTo(26 / 29, 12);
    expect(march!.grossRevenueRetention).toBeCloseTo(26 / 29, 12);
    expect(march!.growthRate).toBeCloseTo(3 / 29, 12);
  });

  it('fits the trend through the end MRR', () => {
    // ends 31,000, 29,000, 32,000 at x = 0, 1, 2: slope = ((−1)(31,000 − 30,666.67) + (1)(32,000 − 30,666.67)) / 2 = 500
    // 500 ≥ 0.5 % of the mean 30,666.67 (153.33): GROWING; CMGR = √(32/31) − 1 = 0.016001
    expect(report.trend.slopeMinorPerMonth).toBe(500);
    expect(report.trend.direction).toBe('GROWING');
    expect(report.trend.compoundMonthlyGrowthRate).toBeCloseTo(0.016001, 6);
  });

  it('has no ratios for a month that starts at zero, and no CMGR from a zero first month', () => {
    // October 2025: nothing yet. November: B new at 5,000.
    const early = monthlyRevenueReport(STORY, { months: 2, endMonth: d('2025-11-30T23:59:59.999Z') });
    expect(early.months.map((m) => [m.month, m.startMrrMinor, m.newMrrMinor, m.endMrrMinor])).toEqual([
      ['2025-10', 0, 0, 0],
      ['2025-11', 0, 5000, 5000],
    ]);
    expect(early.months[1]).toMatchObject({ netRevenueRetention: null, grossRevenueRetention: null, growthRate: null, arpuMinor: 5000 });
    expect(early.months[0]!.arpuMinor).toBe(0);
    expect(early.trend).toEqual({ slopeMinorPerMonth: 5000, compoundMonthlyGrowthRate: null, direction: 'GROWING' });
  });

  it('calls a trend FLAT when it moves less than 0.5 % of the mean a month', () => {
    // ends 10,000, 10,020, 10,010: slope (10 + 0) / 2 = 5 < 0.5 % × 10,010 = 50.05
    const ledger = [change('X', 'x1', '2025-12-15T00:00:00Z', 0, 10_000), change('X', 'x1', '2026-01-15T00:00:00Z', 10_000, 10_020), change('X', 'x1', '2026-02-15T00:00:00Z', 10_020, 10_010)];
    const { trend } = monthlyRevenueReport(ledger, { months: 3, endMonth: d('2026-02-01T00:00:00Z') });
    expect(trend.slopeMinorPerMonth).toBe(5);
    expect(trend.direction).toBe('FLAT');
    expect(trend.compoundMonthlyGrowthRate).toBeCloseTo(0.0004999, 7); // √(10,010/10,000) − 1
  });

  it('calls a falling trend SHRINKING', () => {
    // ends 10,000, 8,000, 6,000: slope −2,000; CMGR √0.6 − 1 = −0.2254
    const ledger = [change('X', 'x1', '2025-12-15T00:00:00Z', 0, 10_000), change('X', 'x1', '2026-01-15T00:00:00Z', 10_000, 8000), change('X', 'x1', '2026-02-15T00:00:00Z', 8000, 6000)];
    const { trend } = monthlyRevenueReport(ledger, { months: 3, endMonth: d('2026-02-01T00:00:00Z') });
    expect(trend).toEqual({ slopeMinorPerMonth: -2000, compoundMonthlyGrowthRate: expect.closeTo(-0.225403, 6), direction: 'SHRINKING' });
  });

  it('is FLAT with no CMGR for a single month, and for an empty ledger', () => {
    expect(monthlyRevenueReport(STORY, { months: 1, endMonth: d('2026-03-01T00:00:00Z') }).trend).toEqual({
      slopeMinorPerMonth: 0,
      compoundMonthlyGrowthRate: null,
      direction: 'FLAT',
    });
    expect(monthlyRevenueReport([], { months: 6, endMonth: d('2026-03-01T00:00:00Z') }).trend.direction).toBe('FLAT');
  });

  it('crosses year ends', () => {
    const { months } = monthlyRevenueReport(STORY, { months: 3, endMonth: d('2026-01-31T23:59:59.999Z') });
    expect(months.map((m) => m.month)).toEqual(['2025-11', '2025-12', '2026-01']);
  });

  it('chains months and bridges each of them on a random ledger', () => {
    const { months } = monthlyRevenueReport(randomLedger(11, 500), { months: 24, endMonth: d('2026-12-01T00:00:00Z') });
    months.forEach((m, i) => {
      if (i > 0) expect(m.startMrrMinor).toBe(months[i - 1]!.endMrrMinor);
      expect(m.startMrrMinor + m.newMrrMinor + m.reactivationMrrMinor + m.expansionMrrMinor - m.contractionMrrMinor - m.churnedMrrMinor).toBe(m.endMrrMinor);
      expect(m.netNewMrrMinor).toBe(m.endMrrMinor - m.startMrrMinor);
      if (m.grossRevenueRetention !== null) {
        expect(m.grossRevenueRetention).toBeLessThanOrEqual(1);
        expect(m.netRevenueRetention).toBeGreaterThanOrEqual(m.grossRevenueRetention);
      }
    });
  });

  it.each([0, 121, 1.5])('refuses %d months', (months) => {
    try {
      monthlyRevenueReport(STORY, { months, endMonth: d('2026-03-01T00:00:00Z') });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors[0]!.path).toBe('months');
    }
  });

  it('refuses a fractional collected amount', () => {
    expect(() => monthlyRevenueReport(STORY, { months: 1, endMonth: d('2026-03-01T00:00:00Z'), collectedByMonth: new Map([['2026-03', 0.5]]) })).toThrow(
      'collectedByMonth.2026-03',
    );
  });
});
