import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { assertIntervalCount, type BillingInterval, monthlyFactor, nextPeriod, periodEndAfter } from './intervals.js';

const d = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe('assertIntervalCount', () => {
  it.each([
    ['DAY', 1],
    ['DAY', 365],
    ['WEEK', 52],
    ['MONTH', 12],
    ['YEAR', 3],
  ] as [BillingInterval, number][])('accepts %s × %d', (interval, count) => {
    expect(assertIntervalCount(interval, count)).toBe(count);
  });

  it.each([
    ['DAY', 0],
    ['DAY', 366],
    ['WEEK', 53],
    ['MONTH', 13],
    ['MONTH', 1.5],
    ['YEAR', 4],
    ['YEAR', -1],
  ] as [BillingInterval, number][])('refuses %s × %d on intervalCount', (interval, count) => {
    try {
      assertIntervalCount(interval, count);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors[0]!.path).toBe('intervalCount');
    }
  });

  it('says the range for the interval', () => {
    expect(() => assertIntervalCount('MONTH', 13)).toThrow('intervalCount: must be a whole number from 1 to 12 for MONTH billing, got 13');
  });

  it('refuses an unknown interval', () => {
    expect(() => assertIntervalCount('FORTNIGHT' as BillingInterval, 1)).toThrow(ValidationError);
  });
});

describe('periodEndAfter', () => {
  it('is the anchor at index 0', () => {
    expect(iso(periodEndAfter(d('2025-01-31T10:00:00Z'), 'MONTH', 1, 0))).toBe('2025-01-31T10:00:00.000Z');
  });

  it('keeps a 31st anchor on the last day of shorter months, always counted from the anchor', () => {
    const anchor = d('2024-01-31T00:00:00Z');
    const ends = [1, 2, 3, 4, 13].map((k) => iso(periodEndAfter(anchor, 'MONTH', 1, k)));
    expect(ends).toEqual([
      '2024-02-29T00:00:00.000Z', // leap year
      '2024-03-31T00:00:00.000Z', // back to the 31st, not the 29th
      '2024-04-30T00:00:00.000Z',
      '2024-05-31T00:00:00.000Z',
      '2025-02-28T00:00:00.000Z',
    ]);
  });

  it('keeps the time of day of the anchor', () => {
    expect(iso(periodEndAfter(d('2025-01-31T15:30:45.123Z'), 'MONTH', 1, 1))).toBe('2025-02-28T15:30:45.123Z');
  });

  it('rolls into the next year', () => {
    expect(iso(periodEndAfter(d('2025-12-15T00:00:00Z'), 'MONTH', 1, 1))).toBe('2026-01-15T00:00:00.000Z');
    expect(iso(periodEndAfter(d('2025-11-15T00:00:00Z'), 'MONTH', 6, 3))).toBe('2027-05-15T00:00:00.000Z'); // +18 months
  });

  it('counts quarters from the anchor: 30 Nov → 28 Feb → 30 May', () => {
    const anchor = d('2025-11-30T00:00:00Z');
    expect([1, 2, 3].map((k) => iso(periodEndAfter(anchor, 'MONTH', 3, k)))).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-05-30T00:00:00.000Z',
      '2026-08-30T00:00:00.000Z',
    ]);
  });

  it('renews a 29 February anchor on 28 February in common years', () => {
    const anchor = d('2024-02-29T08:00:00Z');
    expect(iso(periodEndAfter(anchor, 'YEAR', 1, 1))).toBe('2025-02-28T08:00:00.000Z');
    expect(iso(periodEndAfter(anchor, 'YEAR', 1, 4))).toBe('2028-02-29T08:00:00.000Z');
    expect(iso(periodEndAfter(anchor, 'YEAR', 2, 1))).toBe('2026-02-28T08:00:00.000Z');
  });

  it('adds exact multiples of 86,400 s and 604,800 s for DAY and WEEK', () => {
    const anchor = d('2026-03-28T12:00:00Z');
    // 2 × 10 days = 20 days, across the month end; UTC has no DST shift on 29 March.
    expect(iso(periodEndAfter(anchor, 'DAY', 10, 2))).toBe('2026-04-17T12:00:00.000Z');
    expect(periodEndAfter(anchor, 'DAY', 1, 3).getTime() - anchor.getTime()).toBe(3 * 86_400_000);
    expect(iso(periodEndAfter(d('2026-01-01T00:00:00Z'), 'WEEK', 2, 1))).toBe('2026-01-15T00:00:00.000Z');
    expect(periodEndAfter(anchor, 'WEEK', 1, 52).getTime() - anchor.getTime()).toBe(52 * 604_800_000);
  });

  it('refuses a negative or fractional index and an invalid anchor', () => {
    expect(() => periodEndAfter(d('2026-01-01T00:00:00Z'), 'MONTH', 1, -1)).toThrow('periodIndex');
    expect(() => periodEndAfter(d('2026-01-01T00:00:00Z'), 'MONTH', 1, 1.5)).toThrow(ValidationError);
    expect(() => periodEndAfter(new Date(Number.NaN), 'MONTH', 1, 1)).toThrow('anchor: must be a valid date');
  });
});

describe('nextPeriod', () => {
  const anchor = d('2025-01-31T00:00:00Z');

  it('starts at the anchor for the first period', () => {
    const { start, end } = nextPeriod(anchor, 'MONTH', 1, anchor);
    expect([iso(start), iso(end)]).toEqual(['2025-01-31T00:00:00.000Z', '2025-02-28T00:00:00.000Z']);
  });

  it('continues from a clamped boundary back to the anchor day', () => {
    const { start, end } = nextPeriod(anchor, 'MONTH', 1, d('2025-02-28T00:00:00Z'));
    expect([iso(start), iso(end)]).toEqual(['2025-02-28T00:00:00.000Z', '2025-03-31T00:00:00.000Z']);
  });

  it('finds later quarters and years', () => {
    expect(iso(nextPeriod(d('2025-11-30T00:00:00Z'), 'MONTH', 3, d('2026-02-28T00:00:00Z')).end)).toBe('2026-05-30T00:00:00.000Z');
    expect(iso(nextPeriod(d('2024-02-29T00:00:00Z'), 'YEAR', 1, d('2025-02-28T00:00:00Z')).end)).toBe('2026-02-28T00:00:00.000Z');
    expect(iso(nextPeriod(d('2026-01-01T00:00:00Z'), 'WEEK', 1, d('2026-01-15T00:00:00Z')).end)).toBe('2026-01-22T00:00:00.000Z');
    expect(iso(nextPeriod(d('2026-01-01T00:00:00Z'), 'DAY', 30, d('2026-03-02T00:00:00Z')).end)).toBe('2026-04-01T00:00:00.000Z');
  });

  it.each([
    ['not the anchor day', 'MONTH', 1, '2025-03-28T00:00:00Z'],
    ['the anchor time of day differs', 'MONTH', 1, '2025-02-28T10:00:00Z'],
    ['before the anchor', 'MONTH', 1, '2024-12-31T00:00:00Z'],
    ['between quarterly boundaries', 'MONTH', 3, '2025-02-28T00:00:00Z'],
    ['between weekly boundaries', 'WEEK', 1, '2025-02-10T00:00:00Z'],
    ['between two-year boundaries', 'YEAR', 2, '2026-01-31T00:00:00Z'],
  ] as [string, BillingInterval, number, string][])('refuses a start that is %s', (_, interval, count, start) => {
    try {
      nextPeriod(anchor, interval, count, d(start));
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).fieldErrors[0]!.path).toBe('periodStart');
    }
  });
});

describe('monthlyFactor', () => {
  it.each([
    ['MONTH', 1, 1, 1],
    ['MONTH', 3, 1, 3],
    ['YEAR', 1, 1, 12],
    ['YEAR', 2, 1, 24],
    ['WEEK', 1, 52, 12], // 52 weeks a year / 12 months, unreduced
    ['WEEK', 2, 52, 24],
    ['DAY', 1, 365, 12],
    ['DAY', 30, 365, 360],
  ] as [BillingInterval, number, number, number][])('%s × %d → %d/%d', (interval, count, numerator, denominator) => {
    expect(monthlyFactor(interval, count)).toEqual({ numerator, denominator });
  });

  it('refuses a count out of range', () => {
    expect(() => monthlyFactor('YEAR', 4)).toThrow(ValidationError);
  });
});
