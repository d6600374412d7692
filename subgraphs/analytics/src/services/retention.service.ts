/**
 * Retention tables with PostHog's definitions, and cohort lifetime value for
 * customer cohorts (docs/analytics/retention-and-ltv.md). SQL counts members
 * and returns per (cohort, offset) and sums revenue; the triangle, rates,
 * averages and the LTV distribution are computed in domain/.
 */
import type { Identity } from '@platform/core';
import { parseInput, ValidationError } from '@platform/core';
import { z } from 'zod';
import { cumulativePerCustomer, type LtvDistribution, ltvDistribution } from '../domain/ltv.js';
import { averageRates, cohortStarts, RETENTION_PERIODS, type RetentionCohort, type RetentionPeriod, retentionTriangle } from '../domain/retention-periods.js';
import { type CohortScan, ltvRows, type RetentionAggregation, type RetentionType, retentionCounts } from '../sql/retention-cohorts.js';
import { type AnalyticsDeps, asActor, DAY_MS, requireTenant } from './deps.js';
import { currencyCode } from './kpi.service.js';
import { eventName } from './query-inputs.js';
import type { AnalyticsQuery, CsvTable } from './query-service.js';
import { filtersOrNone, orDefault, tuneForScans } from './trend.service.js';

export type { RetentionAggregation, RetentionCohort, RetentionPeriod, RetentionType };
export const RETENTION_TYPES = ['FIRST_TIME', 'RECURRING'] as const satisfies readonly RetentionType[];
export const RETENTION_AGGREGATIONS = ['USER', 'CUSTOMER'] as const satisfies readonly RetentionAggregation[];
export const MAX_PERIODS = 52;
/** How far `to` may lie in the future (clock skew, a dashboard's "end of today"). */
export const MAX_FUTURE_DAYS = 1;

export const retentionInput = z.object({
  startEvent: eventName,
  returnEvent: eventName.nullish(),
  period: orDefault(z.enum(RETENTION_PERIODS), 'WEEK'),
  periods: orDefault(z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_PERIODS, `must be at most ${MAX_PERIODS}`), 12),
  to: z.coerce.date().nullish(),
  type: orDefault(z.enum(RETENTION_TYPES), 'FIRST_TIME'),
  aggregateBy: orDefault(z.enum(RETENTION_AGGREGATIONS), 'USER'),
  filters: filtersOrNone,
  ltvCurrency: orDefault(currencyCode, 'USD'),
});
export type RetentionInput = z.input<typeof retentionInput>;

export interface LtvCohort {
  start: Date;
  customers: number;
  /** Per offset 0 … periods − 1 − k: revenue paid by the cohort's customers from the cohort's start to that period's end, ÷ customers (0 for an empty cohort). */
  cumulativeRevenuePerCustomer: number[];
}

export interface LtvReport {
  currency: string;
  cohorts: LtvCohort[];
  distribution: LtvDistribution;
}

export interface Retention {
  period: RetentionPeriod;
  type: RetentionType;
  aggregateBy: RetentionAggregation;
  cohorts: RetentionCohort[];
  averageRates: (number | null)[];
  /** Only for aggregateBy CUSTOMER. */
  ltv: LtvReport | null;
}

export class RetentionService implements AnalyticsQuery<Retention> {
  constructor(private readonly deps: AnalyticsDeps) {}

  run(actor: Identity, input: unknown): Promise<Retention> {
    const q = parseInput(retentionInput, input);
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    const to = q.to ?? now;
    if (to.getTime() > now.getTime() + MAX_FUTURE_DAYS * DAY_MS) throw ValidationError.single('input.to', `must be at most ${MAX_FUTURE_DAYS} day after now`);
    const starts = cohortStarts(to, q.period, q.periods);
    const scan: CohortScan = {
      tenantId,
      startEvent: q.startEvent,
      returnEvent: q.returnEvent ?? q.startEvent,
      period: q.period,
      periods: q.periods,
      first: starts[0]!,
      end: to,
      type: q.type,
      aggregateBy: q.aggregateBy,
      filters: q.filters,
    };
    return asActor(this.deps, actor, async (tx) => {
      await tuneForScans(tx);
      const counts = await retentionCounts(tx, scan);
      const byKey = new Map(counts.map((c) => [`${c.k}:${c.offset}`, c.count]));
      const sizes = starts.map((_, k) => byKey.get(`${k}:0`) ?? 0);
      const cohorts = retentionTriangle(starts, sizes, (k, n) => byKey.get(`${k}:${n}`) ?? 0);
      let ltv: LtvReport | null = null;
      if (q.aggregateBy === 'CUSTOMER') {
        const rows = await ltvRows(tx, scan, q.ltvCurrency);
        const revenue = new Map(rows.byOffset.map((r) => [`${r.k}:${r.offset}`, r.amount]));
        ltv = {
          currency: q.ltvCurrency,
          cohorts: cohorts.map((c, k) => ({
            start: c.start,
            customers: c.size,
            cumulativeRevenuePerCustomer: cumulativePerCustomer(
              c.values.map((v) => revenue.get(`${k}:${v.offset}`) ?? 0),
              c.size,
            ),
          })),
          distribution: ltvDistribution(rows.lifetimes),
        };
      }
      return { period: q.period, type: q.type, aggregateBy: q.aggregateBy, cohorts, averageRates: averageRates(cohorts), ltv };
    });
  }

  /** One row per (cohort, offset); with LTV, the cumulative revenue per customer at that offset. */
  table(retention: Retention): CsvTable {
    const header = ['cohortStart', 'size', 'offset', 'count', 'rate'];
    if (retention.ltv) header.push(`cumulativeRevenuePerCustomer (${retention.ltv.currency}, minor units)`);
    const rows = retention.cohorts.flatMap((c, k) =>
      c.values.map((v) => {
        const row: (string | number | null)[] = [c.start.toISOString(), c.size, v.offset, v.count, v.rate];
        if (retention.ltv) row.push(retention.ltv.cohorts[k]?.cumulativeRevenuePerCustomer[v.offset] ?? null);
        return row;
      }),
    );
    return { header, rows };
  }
}
