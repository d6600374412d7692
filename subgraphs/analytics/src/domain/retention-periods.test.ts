import { describe, expect, it } from 'vitest';
import { averageRates, cohortStarts, retentionTriangle } from './retention-periods.js';

const d = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((x) => x.toISOString().slice(0, 10));

describe('cohortStarts', () => {
  it('ends with the period containing `to`, oldest first', () => {
    // Wednesday 2026-05-13 is in the week of Monday the 11th
    expect(iso(cohortStarts(d('2026-05-13T15:00:00Z'), 'WEEK', 3))).toEqual(['2026-04-27', '2026-05-04', '2026-05-11']);
    expect(iso(cohortStarts(d('2026-01-31T23:00:00Z'), 'MONTH', 3))).toEqual(['2025-11-01', '2025-12-01', '2026-01-01']);
    expect(iso(cohortStarts(d('2026-05-13T00:00:00Z'), 'DAY', 2))).toEqual(['2026-05-12', '2026-05-13']);
  });
});

describe('retentionTriangle', () => {
  const starts = cohortStarts(d('2026-05-13T00:00:00Z'), 'WEEK', 3);
  const counts: Record<string, number> = { '0:1': 2, '0:2': 1, '1:1': 0 };
  const triangle = retentionTriangle(starts, [4, 0, 5], (k, n) => counts[`${k}:${n}`] ?? 0);

  it('gives cohort k the offsets 0 … periods − 1 − k, offset 0 being the cohort itself', () => {
    expect(triangle.map((c) => c.values.map((v) => v.offset))).toEqual([[0, 1, 2], [0, 1], [0]]);
    expect(triangle[0]!.values).toEqual([
      { offset: 0, count: 4, rate: 1 },
      { offset: 1, count: 2, rate: 0.5 },
      { offset: 2, count: 1, rate: 0.25 },
    ]);
    expect(triangle[2]!.values).toEqual([{ offset: 0, count: 5, rate: 1 }]);
  });

  it('leaves the rates of an empty cohort null', () => {
    expect(triangle[1]).toMatchObject({ size: 0, values: [{ offset: 0, count: 0, rate: null }, { offset: 1, count: 0, rate: null }] });
  });

  it('averages rates weighted by cohort size over the cohorts that have the offset', () => {
    // offset 0: (4 + 0 + 5) ÷ (4 + 0 + 5) = 1; offset 1: (2 + 0) ÷ (4 + 0) = 0.5; offset 2: 1 ÷ 4 = 0.25
    expect(averageRates(triangle)).toEqual([1, 0.5, 0.25]);
  });

  it('gives a null average when every cohort with the offset is empty', () => {
    const empty = retentionTriangle(starts, [0, 0, 3], () => 0);
    // offset 1 exists for cohorts 0 and 1, both empty; offset 2 only for cohort 0
    expect(averageRates(empty)).toEqual([1, null, null]);
  });
});
