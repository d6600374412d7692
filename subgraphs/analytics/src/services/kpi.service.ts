/**
 * Headline KPIs of a range against the range of the same length just before
 * it (docs/analytics/trends-and-kpis.md, "KPIs"): active users, average DAU,
 * MAU at the range's end, events, API calls (the tenant's `apiCallEvent`),
 * active customers, and revenue and paying customers from the paid invoices
 * billing announced (`analytics.revenue_events`, never billing's tables).
 * One statement; hourly and daily series are the trend query's job.
 */
import type { Identity } from '@platform/core';
import { parseInput } from '@platform/core';
import { rowsOf } from '@platform/db';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { kpiSql, type KpiWindows } from '../sql/trend-kpis.js';
import { type AnalyticsDeps, asActor, DAY_MS, requireTenant } from './deps.js';
import { dateRange } from './query-inputs.js';
import type { AnalyticsQuery, CsvTable } from './query-service.js';
import { settingsOf } from './settings.service.js';
import { orDefault, tuneForScans } from './trend.service.js';

export const KPI_KEYS = ['ACTIVE_USERS', 'AVERAGE_DAU', 'MONTHLY_ACTIVE_USERS', 'EVENTS', 'API_CALLS', 'ACTIVE_CUSTOMERS', 'REVENUE', 'PAYING_CUSTOMERS'] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

/** MONTHLY_ACTIVE_USERS looks back this many days from the end of each range. */
export const MAU_DAYS = 30;

export const currencyCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code')
  .transform((c) => c.toUpperCase());

export const kpiInput = z.object({ range: dateRange, currency: orDefault(currencyCode, 'USD') });
export type KpiInput = z.input<typeof kpiInput>;

export interface Kpi {
  key: KpiKey;
  label: string;
  value: number;
  previousValue: number;
  /** (value − previous) ÷ previous; null when previous is 0. */
  change: number | null;
}

export interface KpiReport {
  range: { from: Date; to: Date };
  previousRange: { from: Date; to: Date };
  currency: string;
  kpis: Kpi[];
}

/** Relative change; null when there is nothing to compare with. */
export function relativeChange(value: number, previous: number): number | null {
  return previous === 0 ? null : (value - previous) / previous;
}

/** UTC days the half-open range [from, to) touches (partial days count: AVERAGE_DAU divides by them). */
export function utcDaysTouched(range: { from: Date; to: Date }): number {
  return Math.floor((range.to.getTime() - 1) / DAY_MS) - Math.floor(range.from.getTime() / DAY_MS) + 1;
}

export class KpiService implements AnalyticsQuery<KpiReport> {
  constructor(private readonly deps: AnalyticsDeps) {}

  run(actor: Identity, input: unknown): Promise<KpiReport> {
    const { range, currency } = parseInput(kpiInput, input);
    const tenantId = requireTenant(actor);
    const length = range.to.getTime() - range.from.getTime();
    const previousRange = { from: new Date(range.from.getTime() - length), to: range.from };
    return asActor(this.deps, actor, async (tx) => {
      await tuneForScans(tx);
      // The planner overestimates the (user, customer, part, chunk) groups (it multiplies the columns'
      // distinct counts) and sorts them on disk; the groups are about one per user and part, so let it hash.
      await tx.execute(sql`SET LOCAL work_mem = '256MB'`);
      const settings = await settingsOf(tx, tenantId);
      const windows: KpiWindows = { current: range, previous: previousRange, mauDays: MAU_DAYS };
      const [row] = rowsOf<Record<string, number>>(await tx.execute(kpiSql({ tenantId, apiCallEvent: settings.apiCallEvent, currency, windows })));
      const pair = (name: string) => [Number(row?.[`${name}_cur`] ?? 0), Number(row?.[`${name}_prev`] ?? 0)] as const;
      const [dauDaysCur, dauDaysPrev] = pair('dau_days');
      const values: Record<KpiKey, readonly [number, number]> = {
        ACTIVE_USERS: pair('active'),
        AVERAGE_DAU: [dauDaysCur / utcDaysTouched(range), dauDaysPrev / utcDaysTouched(previousRange)],
        MONTHLY_ACTIVE_USERS: pair('mau'),
        EVENTS: pair('events'),
        API_CALLS: pair('api'),
        ACTIVE_CUSTOMERS: pair('customers'),
        REVENUE: pair('revenue'),
        PAYING_CUSTOMERS: pair('paying'),
      };
      const labels: Record<KpiKey, string> = {
        ACTIVE_USERS: 'Active users',
        AVERAGE_DAU: 'Average daily active users',
        MONTHLY_ACTIVE_USERS: `Monthly active users (${MAU_DAYS} days to the end of the range)`,
        EVENTS: 'Events',
        API_CALLS: `API calls (${settings.apiCallEvent})`,
        ACTIVE_CUSTOMERS: 'Active customers',
        REVENUE: `Revenue (${currency}, minor units)`,
        PAYING_CUSTOMERS: 'Paying customers',
      };
      const kpis = KPI_KEYS.map((key) => {
        const [value, previousValue] = values[key];
        return { key, label: labels[key], value, previousValue, change: relativeChange(value, previousValue) };
      });
      return { range, previousRange, currency, kpis };
    });
  }

  table(report: KpiReport): CsvTable {
    return {
      header: ['kpi', 'label', 'value', 'previousValue', 'change', 'from', 'to', 'previousFrom', 'previousTo'],
      rows: report.kpis.map((k) => [
        k.key,
        k.label,
        k.value,
        k.previousValue,
        k.change,
        report.range.from.toISOString(),
        report.range.to.toISOString(),
        report.previousRange.from.toISOString(),
        report.previousRange.to.toISOString(),
      ]),
    };
  }
}
