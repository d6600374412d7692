/** `anomalies` through GraphQL: a weekly pattern of events with an injected spike and drop, the unfinished day, validation and tenant isolation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsHarness, DAY, type SeedEvent, startAnalytics, type TestTenant } from './support.js';

let h: AnalyticsHarness;
let t: TestTenant;

const ANOMALIES = `query($input: AnomalyInput!) { anomalies(input: $input) {
  __typename
  ... on AnomalyReport { method threshold seasonality anomalyCount points { bucket value expected score isAnomaly direction } }
  ... on ValidationError { fieldErrors { path message } }
} }`;

// Events per weekday, Monday first: busy weekdays, quiet weekends.
const WEEK = [10, 12, 13, 12, 11, 4, 3];
// 16 weeks of history and range: Monday 2026-02-09 … Sunday 2026-05-31 (now is 2026-06-01 00:00).
const FIRST_DAY = Date.parse('2026-02-09T00:00:00Z');
const DAYS = 112;
const SPIKE = '2026-05-11'; // a Monday: 40 events instead of 10
const DROP = '2026-05-20'; // a Wednesday: none instead of 13
const RANGE = { from: '2026-05-04T00:00:00Z', to: '2026-06-01T00:00:00Z' };

function day(i: number): string {
  return new Date(FIRST_DAY + i * DAY).toISOString().slice(0, 10);
}

beforeAll(async () => {
  h = await startAnalytics();
  t = h.tenant();
  const events: SeedEvent[] = [];
  for (let i = 0; i < DAYS; i++) {
    const date = day(i);
    const count = date === SPIKE ? 40 : date === DROP ? 0 : WEEK[i % 7]!;
    // one user per event, so UNIQUE_USERS is the same series
    for (let n = 0; n < count; n++) events.push({ event: 'report_exported', distinctId: `u${n}`, at: `${date}T${String(8 + (n % 10)).padStart(2, '0')}:00:00Z` });
  }
  await h.track(t.tenantId, events);
  // Another tenant with a huge burst on an otherwise ordinary day of this tenant.
  const other = h.tenant();
  await h.track(
    other.tenantId,
    Array.from({ length: 200 }, (_, n) => ({ event: 'report_exported', distinctId: `x${n}`, at: '2026-05-14T12:00:00Z' })),
  );
});
afterAll(async () => {
  await h?.close();
});

async function anomalies(input: Record<string, unknown>) {
  return (await h.ok(t.owner, ANOMALIES, { input })).anomalies;
}
type Point = { bucket: string; value: number; expected: number | null; score: number | null; isAnomaly: boolean; direction: string | null };
const flagged = (points: Point[]) => points.filter((p) => p.isAnomaly).map((p) => [p.bucket.slice(0, 10), p.direction, p.score]);

describe('anomalies', () => {
  it('flags the injected spike and drop against the same weekday of the previous weeks, and nothing else', async () => {
    const report = await anomalies({ event: 'report_exported', range: RANGE });
    expect(report).toMatchObject({ __typename: 'AnomalyReport', threshold: 3.5, seasonality: 'WEEKLY', anomalyCount: 2 });
    expect(report.method).toContain('same weekday');
    expect(report.points).toHaveLength(28);
    // Every earlier residual is 0, so MAD and the mean absolute deviation are 0 and the scale is its floor:
    // spike: 40 − median(10, 10, 10, 10) = 30, scale max(1, 5 % of 10) = 1 → z = 30
    // drop: 0 − 13 = −13; the trailing residuals now hold the spike's 30 once in 56: mean |deviation| 30/56,
    //   × 1.253314 = 0.671, below the floor max(1, 5 % of 13) = 1 → z = −13
    expect(flagged(report.points)).toEqual([
      [SPIKE, 'SPIKE', 30],
      [DROP, 'DROP', -13],
    ]);
    const spike = report.points.find((p: Point) => p.bucket.startsWith(SPIKE));
    expect(spike).toMatchObject({ value: 40, expected: 10 });
    // the Monday after: its baseline (40, 10, 10, 10) has median 10, so it is not a drop
    expect(report.points.find((p: Point) => p.bucket.startsWith('2026-05-18'))).toMatchObject({ value: 10, expected: 10, score: 0, isAnomaly: false });
  });

  it('scores any math of the trend: unique users give the same verdicts here', async () => {
    const report = await anomalies({ event: 'report_exported', math: 'UNIQUE_USERS', range: RANGE });
    expect(flagged(report.points).map(([d, dir]) => [d, dir])).toEqual([
      [SPIKE, 'SPIKE'],
      [DROP, 'DROP'],
    ]);
  });

  it('finds nothing with a threshold above every score', async () => {
    const report = await anomalies({ range: RANGE, threshold: 31 });
    expect(report.anomalyCount).toBe(0);
  });

  it('widens the range to whole days and gives no verdict on a day that is not over', async () => {
    const report = await anomalies({ range: { from: '2026-05-30T15:00:00Z', to: '2026-06-01T06:00:00Z' } });
    expect(report.points.map((p: Point) => p.bucket.slice(0, 10))).toEqual(['2026-05-30', '2026-05-31', '2026-06-01']);
    // June 1st (a Monday) has just begun: no events yet, which would look like a drop
    expect(report.points[2]).toMatchObject({ value: 0, expected: 10, score: null, isAnomaly: false, direction: null });
  });

  it('gives no verdict without history: days before the first event are no data, not zeros', async () => {
    const empty = await anomalies({ range: { from: '2025-06-01T00:00:00Z', to: '2025-06-08T00:00:00Z' } });
    expect(empty.points.every((p: Point) => p.value === 0 && p.expected === null && p.score === null && !p.isAnomaly)).toBe(true);
    // the first weeks of data: 02-09 has no earlier data; 02-23 has two earlier Mondays (median 10) but too few residuals
    const start = await anomalies({ range: { from: '2026-02-09T00:00:00Z', to: '2026-03-02T00:00:00Z' } });
    expect(start.anomalyCount).toBe(0);
    expect(start.points[0]).toMatchObject({ value: 10, expected: null, score: null });
    expect(start.points[14]).toMatchObject({ bucket: '2026-02-23T00:00:00.000Z', value: 10, expected: 10, score: null });
  });

  it('refuses a non-positive threshold and a backwards range', async () => {
    const bad = await anomalies({ range: { from: RANGE.to, to: RANGE.from }, threshold: 0 });
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.fieldErrors.map((e: { path: string }) => e.path).sort()).toEqual(['input.range.to', 'input.threshold']);
  });
});
