import { describe, expect, it } from 'vitest';
import { addBuckets, bucketGrid, bucketStart, bucketStarts, bucketsBetween, runningTotalsAt } from './time-buckets.js';

const d = (iso: string) => new Date(iso);

describe('bucketStart', () => {
  it.each([
    ['HOUR', '2026-05-13T10:42:07Z', '2026-05-13T10:00:00.000Z'],
    ['DAY', '2026-05-13T23:59:59.999Z', '2026-05-13T00:00:00.000Z'],
    // 2026-05-13 is a Wednesday: the week starts on Monday the 11th
    ['WEEK', '2026-05-13T10:00:00Z', '2026-05-11T00:00:00.000Z'],
    // a Sunday belongs to the week that started six days before
    ['WEEK', '2026-05-17T23:00:00Z', '2026-05-11T00:00:00.000Z'],
    // a Monday starts its own week
    ['WEEK', '2026-05-18T00:00:00Z', '2026-05-18T00:00:00.000Z'],
    ['MONTH', '2026-02-28T12:00:00Z', '2026-02-01T00:00:00.000Z'],
  ] as const)('%s of %s starts at %s', (interval, at, start) => {
    expect(bucketStart(d(at), interval).toISOString()).toBe(start);
  });
});

describe('addBuckets and bucketsBetween', () => {
  it('steps months by calendar month, across a year end and backwards', () => {
    expect(addBuckets(d('2025-11-01T00:00:00Z'), 'MONTH', 3).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(addBuckets(d('2026-01-01T00:00:00Z'), 'MONTH', -1).toISOString()).toBe('2025-12-01T00:00:00.000Z');
    expect(bucketsBetween(d('2025-11-01T00:00:00Z'), d('2026-02-01T00:00:00Z'), 'MONTH')).toBe(3);
  });

  it('steps weeks by seven days', () => {
    expect(addBuckets(d('2026-05-11T00:00:00Z'), 'WEEK', -2).toISOString()).toBe('2026-04-27T00:00:00.000Z');
    expect(bucketsBetween(d('2026-04-27T00:00:00Z'), d('2026-05-11T00:00:00Z'), 'WEEK')).toBe(2);
  });
});

describe('bucketGrid', () => {
  it('covers a day-aligned range with one bucket per day, the end excluded', () => {
    const grid = bucketGrid({ from: d('2026-05-01T00:00:00Z'), to: d('2026-05-31T00:00:00Z') }, 'DAY');
    // May 1 … May 30: 30 days
    expect(grid.count).toBe(30);
    expect(grid.last.toISOString()).toBe('2026-05-30T00:00:00.000Z');
  });

  it('includes the partial buckets at both ends of an unaligned range', () => {
    // 10:30 on the 1st to 01:00 on the 3rd: the 1st, 2nd and 3rd
    const grid = bucketGrid({ from: d('2026-05-01T10:30:00Z'), to: d('2026-05-03T01:00:00Z') }, 'DAY');
    expect(bucketStarts(grid, 'DAY').map((b) => b.toISOString().slice(0, 10))).toEqual(['2026-05-01', '2026-05-02', '2026-05-03']);
  });

  it('counts 24 × 400 hourly buckets over 400 days', () => {
    expect(bucketGrid({ from: d('2025-01-01T00:00:00Z'), to: d('2026-02-05T00:00:00Z') }, 'HOUR').count).toBe(400 * 24);
  });

  it('counts Monday weeks: Wednesday 2026-05-13 to Tuesday 2026-05-26 touches three weeks', () => {
    const grid = bucketGrid({ from: d('2026-05-13T00:00:00Z'), to: d('2026-05-26T12:00:00Z') }, 'WEEK');
    expect(bucketStarts(grid, 'WEEK').map((b) => b.toISOString().slice(0, 10))).toEqual(['2026-05-11', '2026-05-18', '2026-05-25']);
  });
});

describe('runningTotalsAt', () => {
  it('adds up every delta at or before each start, history included', () => {
    const starts = [d('2026-05-01T00:00:00Z'), d('2026-05-02T00:00:00Z'), d('2026-05-03T00:00:00Z')];
    const deltas = [
      { ms: d('2026-04-28T00:00:00Z').getTime(), delta: 2 }, // history: two users still in the window on May 1
      { ms: d('2026-05-02T00:00:00Z').getTime(), delta: -1 },
      { ms: d('2026-05-01T00:00:00Z').getTime(), delta: 3 },
      { ms: d('2026-05-04T00:00:00Z').getTime(), delta: 5 }, // after the last start: ignored
    ];
    // May 1: 2 + 3 = 5; May 2: 5 − 1 = 4; May 3: 4
    expect(runningTotalsAt(deltas, starts)).toEqual([5, 4, 4]);
  });
});
