/**
 * UTC time buckets shared by trends, retention periods and anomalies: where a
 * bucket starts, how to step from one to the next, and how many buckets a range
 * spans. Weeks start on Monday (ISO), like PostgreSQL's `date_trunc('week', …)`,
 * so the buckets computed here and those grouped in SQL always line up.
 */
import type { Interval } from '../services/query-inputs.js';

export type { Interval };

/** The most buckets one series may have: a bound on the size of a response (HOUR over 84 days is 2,016). */
export const MAX_BUCKETS = 2_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The PostgreSQL `date_trunc` field of each interval (a fixed list: safe to inline with sql.raw). */
export const SQL_UNIT: Record<Interval, string> = { HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month' };
/** The PostgreSQL interval literal of one bucket. */
export const SQL_STEP: Record<Interval, string> = { HOUR: '1 hour', DAY: '1 day', WEEK: '7 days', MONTH: '1 month' };

/** The start (UTC) of the bucket containing `at`. */
export function bucketStart(at: Date, interval: Interval): Date {
  const t = at.getTime();
  switch (interval) {
    case 'HOUR':
      return new Date(Math.floor(t / HOUR_MS) * HOUR_MS);
    case 'DAY':
      return new Date(Math.floor(t / DAY_MS) * DAY_MS);
    case 'WEEK': {
      const day = Math.floor(t / DAY_MS) * DAY_MS;
      // getUTCDay: Sunday 0 … Saturday 6; days since Monday is (d + 6) mod 7.
      const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
      return new Date(day - sinceMonday * DAY_MS);
    }
    case 'MONTH':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  }
}

/** `start` moved by `n` buckets (n may be negative); `start` should be a bucket start. */
export function addBuckets(start: Date, interval: Interval, n: number): Date {
  switch (interval) {
    case 'HOUR':
      return new Date(start.getTime() + n * HOUR_MS);
    case 'DAY':
      return new Date(start.getTime() + n * DAY_MS);
    case 'WEEK':
      return new Date(start.getTime() + n * 7 * DAY_MS);
    case 'MONTH':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n, 1));
  }
}

/** How many buckets lie between two bucket starts (`later` − `earlier`, in buckets). */
export function bucketsBetween(earlier: Date, later: Date, interval: Interval): number {
  switch (interval) {
    case 'HOUR':
      return Math.round((later.getTime() - earlier.getTime()) / HOUR_MS);
    case 'DAY':
      return Math.round((later.getTime() - earlier.getTime()) / DAY_MS);
    case 'WEEK':
      return Math.round((later.getTime() - earlier.getTime()) / (7 * DAY_MS));
    case 'MONTH':
      return (later.getUTCFullYear() - earlier.getUTCFullYear()) * 12 + later.getUTCMonth() - earlier.getUTCMonth();
  }
}

export interface BucketGrid {
  /** Start of the bucket containing `from` (may be before `from`). */
  first: Date;
  /** Start of the bucket containing the range's last instant (`to` − 1 ms). */
  last: Date;
  count: number;
}

/** The buckets that cover the half-open range [from, to); the first and last may be partial. */
export function bucketGrid(range: { from: Date; to: Date }, interval: Interval): BucketGrid {
  const first = bucketStart(range.from, interval);
  const last = bucketStart(new Date(range.to.getTime() - 1), interval);
  return { first, last, count: bucketsBetween(first, last, interval) + 1 };
}

/** Every bucket start of a grid, oldest first. */
export function bucketStarts(grid: BucketGrid, interval: Interval): Date[] {
  return Array.from({ length: grid.count }, (_, i) => addBuckets(grid.first, interval, i));
}

/**
 * For each bucket start, the sum of the deltas at instants up to and including
 * it: how rolling active users are read off the +1/−1 spans SQL returns
 * (sql/trend-series.ts). Deltas before the first start (history) count too.
 */
export function runningTotalsAt(deltas: readonly { ms: number; delta: number }[], starts: readonly Date[]): number[] {
  const sorted = [...deltas].sort((a, b) => a.ms - b.ms);
  let running = 0;
  let next = 0;
  return starts.map((start) => {
    while (next < sorted.length && sorted[next]!.ms <= start.getTime()) running += sorted[next++]!.delta;
    return running;
  });
}
