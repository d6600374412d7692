import { describe, expect, it } from 'vitest';
import { fieldErrorsOf } from './test-support.js';
import { crossedThresholds, parseMonth, percentUsed, runRateForecast, utcMonthOf, validateThresholds } from './cost-budget.js';


describe('crossedThresholds', () => {
  it('counts a threshold reached exactly as crossed', () => {
    // 8,000 × 100 = 800,000 ≥ 10,000 × 80: reached; 800,000 < 10,000 × 100.
    expect(crossedThresholds(8_000, 10_000, [50, 80, 100])).toEqual([50, 80]);
    expect(crossedThresholds(7_999, 10_000, [50, 80, 100])).toEqual([50]);
    expect(crossedThresholds(0, 10_000, [50, 80, 100])).toEqual([]);
  });

  it('handles thresholds beyond 100 % and amounts near 2^53 exactly', () => {
    expect(crossedThresholds(15_000, 10_000, [100, 150, 200])).toEqual([100, 150]);
    const max = Number.MAX_SAFE_INTEGER;
    expect(crossedThresholds(max, max, [100])).toEqual([100]);
    expect(crossedThresholds(max - 1, max, [100])).toEqual([]);
  });
});

describe('percentUsed', () => {
  it('rounds to two decimals, half away from zero', () => {
    expect(percentUsed(2_345, 10_000)).toBe(23.45);
    // 1 / 3 = 33.333…% → 33.33; 2 / 3 = 66.666…% → 66.67.
    expect(percentUsed(1, 3)).toBe(33.33);
    expect(percentUsed(2, 3)).toBe(66.67);
    expect(percentUsed(10_100, 10_000)).toBe(101);
  });
});

describe('runRateForecast', () => {
  const march = parseMonth('2026-03');

  it('divides the spend by the elapsed share of the month', () => {
    // 10 of March's 31 days elapsed: 12,000 × 31 / 10 = 37,200.
    expect(runRateForecast(12_000, march, new Date('2026-03-11T00:00:00Z'))).toBe(37_200);
    // 15.5 days: 1,000 × 31 / 15.5 = 2,000.
    expect(runRateForecast(1_000, march, new Date('2026-03-16T12:00:00Z'))).toBe(2_000);
  });

  it('counts at least one elapsed day', () => {
    // One hour into the month is treated as one day: 100 × 31 = 3,100 (not 100 × 744).
    expect(runRateForecast(100, march, new Date('2026-03-01T01:00:00Z'))).toBe(3_100);
  });

  it('forecasts the actual spend of a month that is over or not yet started', () => {
    expect(runRateForecast(5_000, march, new Date('2026-04-01T00:00:00Z'))).toBe(5_000);
    expect(runRateForecast(0, march, new Date('2026-02-28T23:59:59Z'))).toBe(0);
  });
});

describe('months', () => {
  it('parses YYYY-MM into a UTC calendar month', () => {
    expect(parseMonth('2026-02')).toEqual({ key: '2026-02', start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z') });
    expect(parseMonth('2025-12').end).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it.each(['2026-13', '2026-00', '2026-1', '26-01', '2026-01-01', 'march', '1999-12'])('refuses %j', (value) => {
    expect(fieldErrorsOf(() => parseMonth(value))).toEqual([{ path: 'month', message: expect.stringContaining('YYYY-MM') }]);
  });

  it('puts an instant in its UTC month, whatever the local offset', () => {
    // 00:30 on March 1st in UTC+1 is still February 28th in UTC.
    expect(utcMonthOf(new Date('2026-03-01T00:30:00+01:00')).key).toBe('2026-02');
    expect(utcMonthOf(new Date('2026-03-01T00:00:00Z')).key).toBe('2026-03');
  });
});

describe('validateThresholds', () => {
  it('accepts strictly increasing whole percentages from 1 to 1000', () => {
    expect(validateThresholds([1, 50, 80, 100, 1000])).toEqual([1, 50, 80, 100, 1000]);
    expect(validateThresholds([])).toEqual([]);
  });

  it('names every bad entry', () => {
    expect(fieldErrorsOf(() => validateThresholds([80, 50, 50.5, 0, 1001]))).toEqual([
      { path: 'thresholdsPct.1', message: 'must be greater than the threshold before it (80)' },
      { path: 'thresholdsPct.2', message: 'must be a whole percentage from 1 to 1000, got 50.5' },
      { path: 'thresholdsPct.3', message: 'must be a whole percentage from 1 to 1000, got 0' },
      { path: 'thresholdsPct.4', message: 'must be a whole percentage from 1 to 1000, got 1001' },
    ]);
  });

  it('refuses more than ten thresholds', () => {
    expect(fieldErrorsOf(() => validateThresholds([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toEqual([
      { path: 'thresholdsPct', message: 'must list at most 10 thresholds, got 11' },
    ]);
  });
});
