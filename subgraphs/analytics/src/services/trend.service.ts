/**
 * Trends (docs/analytics/trends-and-kpis.md): up to 10 series of an event (or
 * every event) per UTC bucket over a range, as TOTAL events, UNIQUE_USERS per
 * bucket, or WEEKLY/MONTHLY_ACTIVE_USERS over the 7/30 days ending at each
 * bucket's end. Every bucket of the range appears, zero-filled. The anomaly
 * detector reads its daily series through `compute`.
 */
import type { Identity } from '@platform/core';
import { parseInput } from '@platform/core';
import type { Tx } from '@platform/db';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { addBuckets, bucketGrid, bucketStarts, type Interval, MAX_BUCKETS, runningTotalsAt } from '../domain/time-buckets.js';
import { rollingActiveUserDeltas, rollingActiveUsersByDay, type SeriesScan, totalEvents, uniqueUsers } from '../sql/trend-series.js';
import { type AnalyticsDeps, asActor, DAY_MS, requireTenant } from './deps.js';
import { dateRange, eventName, interval, type PropertyFilter, propertyFilters } from './query-inputs.js';
import type { AnalyticsQuery, CsvTable } from './query-service.js';

export const TREND_MATHS = ['TOTAL', 'UNIQUE_USERS', 'WEEKLY_ACTIVE_USERS', 'MONTHLY_ACTIVE_USERS'] as const;
export type TrendMath = (typeof TREND_MATHS)[number];
export const MAX_SERIES = 10;

/** Days of the rolling window of each rolling math. */
export const ROLLING_WINDOW_DAYS: Partial<Record<TrendMath, number>> = { WEEKLY_ACTIVE_USERS: 7, MONTHLY_ACTIVE_USERS: 30 };

const MATH_LABEL: Record<TrendMath, string> = { TOTAL: '', UNIQUE_USERS: ' (unique users)', WEEKLY_ACTIVE_USERS: ' (weekly active users)', MONTHLY_ACTIVE_USERS: ' (monthly active users)' };

/** GraphQL sends null for an omitted nullable field, a stored widget may omit it: both mean the default. */
export const orDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>) => schema.nullish().transform((v) => (v ?? fallback) as z.output<T>);
export const filtersOrNone = propertyFilters.nullish().transform((v) => v ?? []);

export const trendMath = z.enum(TREND_MATHS);

const seriesInput = z.object({
  event: eventName.nullish().transform((v) => v ?? null),
  math: orDefault(trendMath, 'TOTAL'),
  filters: filtersOrNone,
  label: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
});

export const trendInput = z
  .object({
    series: z.array(seriesInput).min(1, 'at least one series').max(MAX_SERIES, `at most ${MAX_SERIES} series`),
    interval: orDefault(interval, 'DAY'),
    range: dateRange,
    filters: filtersOrNone,
  })
  .superRefine((input, ctx) => {
    if (!(input.range.to > input.range.from)) return;
    const { count } = bucketGrid(input.range, input.interval);
    if (count > MAX_BUCKETS) ctx.addIssue({ code: 'custom', path: ['interval'], message: `gives ${count} buckets over this range, at most ${MAX_BUCKETS}: use a longer interval or a shorter range` });
  });
export type TrendInput = z.input<typeof trendInput>;

/** A validated trend query; `compute` takes it without the range limit (the anomaly detector adds history). */
export interface TrendQuery {
  series: { event: string | null; math: TrendMath; filters: PropertyFilter[]; label?: string | null }[];
  interval: Interval;
  range: { from: Date; to: Date };
  filters: PropertyFilter[];
}

export interface TrendPoint {
  bucket: Date;
  value: number;
}

export interface TrendSeries {
  label: string;
  event: string | null;
  math: TrendMath;
  points: TrendPoint[];
  /** TOTAL: the sum; UNIQUE_USERS: distinct users over the range; rolling maths: the last point. */
  total: number;
}

export interface Trend {
  interval: Interval;
  range: { from: Date; to: Date };
  series: TrendSeries[];
}

export function defaultSeriesLabel(event: string | null, math: TrendMath): string {
  return `${event ?? 'All events'}${MATH_LABEL[math]}`;
}

export class TrendService implements AnalyticsQuery<Trend> {
  constructor(private readonly deps: AnalyticsDeps) {}

  run(actor: Identity, input: unknown): Promise<Trend> {
    return this.compute(actor, parseInput(trendInput, input));
  }

  /** Runs a validated query: one statement per series, in one transaction. */
  compute(actor: Identity, query: TrendQuery): Promise<Trend> {
    const tenantId = requireTenant(actor);
    const grid = bucketGrid(query.range, query.interval);
    const starts = bucketStarts(grid, query.interval);
    return asActor(this.deps, actor, async (tx) => {
      await tuneForScans(tx);
      const series: TrendSeries[] = [];
      for (const s of query.series) {
        const scan: SeriesScan = { tenantId, event: s.event, filters: [...query.filters, ...s.filters], interval: query.interval, ...query.range, grid };
        const { values, total } = await seriesValues(tx, scan, s.math, starts);
        series.push({
          label: s.label ?? defaultSeriesLabel(s.event, s.math),
          event: s.event,
          math: s.math,
          points: starts.map((bucket, i) => ({ bucket, value: values[i] ?? 0 })),
          total,
        });
      }
      return { interval: query.interval, range: query.range, series };
    });
  }

  /** One column per series, one row per bucket, then a `total` row. */
  table(trend: Trend): CsvTable {
    const buckets = trend.series[0]?.points.map((p) => p.bucket) ?? [];
    return {
      header: ['bucket', ...trend.series.map((s) => s.label)],
      rows: [...buckets.map((bucket, i) => [bucket.toISOString(), ...trend.series.map((s) => s.points[i]?.value ?? 0)]), ['total', ...trend.series.map((s) => s.total)]],
    };
  }
}

/**
 * Settings for one transaction of large aggregations: JIT compilation costs
 * more than it saves on these plans (measured), and the per-user hash tables of
 * 100,000 users fit in 64 MB instead of spilling to disk in batches.
 */
export async function tuneForScans(tx: Tx): Promise<void> {
  await tx.execute(sql`SET LOCAL jit = off`);
  await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
}

async function seriesValues(tx: Tx, scan: SeriesScan, math: TrendMath, starts: Date[]): Promise<{ values: number[]; total: number }> {
  if (math === 'TOTAL') {
    const values = await totalEvents(tx, scan);
    return { values, total: values.reduce((sum, v) => sum + v, 0) };
  }
  if (math === 'UNIQUE_USERS') {
    const { points, total } = await uniqueUsers(tx, scan);
    return { values: points, total };
  }
  const windowDays = ROLLING_WINDOW_DAYS[math]!;
  if (scan.interval !== 'HOUR') {
    const values = await rollingActiveUsersByDay(tx, scan, windowDays);
    return { values, total: values.at(-1) ?? 0 };
  }
  // The first window ends where the first bucket does (or at `to`) and reaches back windowDays.
  const firstEnd = Math.min(addBuckets(scan.grid.first, scan.interval, 1).getTime(), scan.to.getTime());
  const deltas = await rollingActiveUserDeltas(tx, scan, windowDays, new Date(firstEnd - windowDays * DAY_MS));
  const values = runningTotalsAt(deltas, starts);
  return { values, total: values.at(-1) ?? 0 };
}
