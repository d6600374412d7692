/**
 * Funnels: how many users went through a sequence of events (ORDERED,
 * STRICT or UNORDERED) within a conversion window, step by step, optionally
 * per value of a property of their first step and against a second period.
 * Everything is counted by one SQL statement (sql/funnel-query.ts, with the
 * state machines of migration 0010); the rates come from domain/funnel-steps.ts.
 * Method: docs/analytics/funnels.md.
 */
import { type Identity, parseInput } from '@platform/core';
import { z } from 'zod';
import { type FunnelStepFigures, funnelStepFigures, overallConversion, type StepTally } from '../domain/funnel-steps.js';
import { type FunnelOrder, type FunnelStepRow, loadFunnelSteps, OTHER_BREAKDOWN } from '../sql/funnel-query.js';
import { type AnalyticsDeps, asActor, requireTenant } from './deps.js';
import { dateRange, eventName, propertyFilters } from './query-inputs.js';
import type { AnalyticsQuery, CsvCell, CsvTable } from './query-service.js';

export type { FunnelOrder } from '../sql/funnel-query.js';
export const FUNNEL_ORDERS = ['ORDERED', 'STRICT', 'UNORDERED'] as const satisfies readonly FunnelOrder[];
export const MIN_FUNNEL_STEPS = 2;
export const MAX_FUNNEL_STEPS = 10;
export const DEFAULT_CONVERSION_WINDOW_SECONDS = 14 * 86_400;
export const MIN_CONVERSION_WINDOW_SECONDS = 60;
export const MAX_CONVERSION_WINDOW_SECONDS = 365 * 86_400;

const filterList = propertyFilters.nullish().transform((f) => f ?? []);

const funnelStep = z.object({
  event: eventName,
  filters: filterList,
  label: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
});

export const funnelInput = z.object({
  steps: z
    .array(funnelStep)
    .min(MIN_FUNNEL_STEPS, `a funnel needs ${MIN_FUNNEL_STEPS} to ${MAX_FUNNEL_STEPS} steps`)
    .max(MAX_FUNNEL_STEPS, `a funnel needs ${MIN_FUNNEL_STEPS} to ${MAX_FUNNEL_STEPS} steps`),
  order: z
    .enum(FUNNEL_ORDERS, { message: `must be one of ${FUNNEL_ORDERS.join(', ')}` })
    .nullish()
    .transform((o) => o ?? 'ORDERED'),
  conversionWindowSeconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(MIN_CONVERSION_WINDOW_SECONDS, `must be from ${MIN_CONVERSION_WINDOW_SECONDS} seconds to 365 days`)
    .max(MAX_CONVERSION_WINDOW_SECONDS, `must be from ${MIN_CONVERSION_WINDOW_SECONDS} seconds to 365 days`)
    .nullish()
    .transform((w) => w ?? DEFAULT_CONVERSION_WINDOW_SECONDS),
  range: dateRange,
  filters: filterList,
  breakdownProperty: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish().transform((p) => p ?? null),
  compareTo: dateRange.nullish().transform((r) => r ?? null),
});
export type FunnelQuery = z.output<typeof funnelInput>;

export interface FunnelRange {
  from: Date;
  to: Date;
}

export interface FunnelStep extends FunnelStepFigures {
  event: string;
  /** The step's label, or its event name. */
  label: string;
}

export interface FunnelBreakdown {
  /** The property's value on the counted attempt's first event; null when it lacks the property; `$other` for the values after the top 20. */
  value: string | null;
  steps: FunnelStep[];
  conversionRate: number | null;
}

export interface FunnelComparison {
  range: FunnelRange;
  steps: FunnelStep[];
  conversionRate: number | null;
}

export interface FunnelResult {
  order: FunnelOrder;
  conversionWindowSeconds: number;
  range: FunnelRange;
  steps: FunnelStep[];
  conversionRate: number | null;
  /** Top 20 values by step-1 users, most first, then `$other`; empty without a breakdown property. */
  breakdowns: FunnelBreakdown[];
  comparison: FunnelComparison | null;
}

export class FunnelService implements AnalyticsQuery<FunnelResult> {
  constructor(private readonly deps: AnalyticsDeps) {}

  async run(actor: Identity, input: unknown): Promise<FunnelResult> {
    const q = parseInput(funnelInput, input);
    const tenantId = requireTenant(actor);
    const periods = q.compareTo ? [q.range, q.compareTo] : [q.range];
    const rows = await asActor(this.deps, actor, (tx) =>
      loadFunnelSteps(tx, {
        tenantId,
        steps: q.steps,
        order: q.order,
        windowSeconds: q.conversionWindowSeconds,
        filters: q.filters,
        breakdownProperty: q.breakdownProperty,
        periods,
      }),
    );
    const stepsOf = (selected: FunnelStepRow[]) => describeSteps(q, selected);
    const steps = stepsOf(rows.filter((r) => r.period === 0 && !r.inBreakdown));
    const comparisonSteps = q.compareTo ? stepsOf(rows.filter((r) => r.period === 1 && !r.inBreakdown)) : null;
    return {
      order: q.order,
      conversionWindowSeconds: q.conversionWindowSeconds,
      range: { from: q.range.from, to: q.range.to },
      steps,
      conversionRate: overallConversion(steps),
      breakdowns: q.breakdownProperty === null ? [] : breakdowns(q, rows),
      comparison:
        q.compareTo && comparisonSteps
          ? { range: { from: q.compareTo.from, to: q.compareTo.to }, steps: comparisonSteps, conversionRate: overallConversion(comparisonSteps) }
          : null,
    };
  }

  table(result: FunnelResult): CsvTable {
    const header = [
      'period',
      'period_from',
      'period_to',
      'group',
      'breakdown_value',
      'step',
      'event',
      'label',
      'count',
      'conversion_rate',
      'step_conversion_rate',
      'drop_off',
      'drop_off_rate',
      'median_time_to_convert_seconds',
      'average_time_to_convert_seconds',
    ];
    const lines = (period: string, range: FunnelRange, group: string, value: string | null, steps: FunnelStep[]): CsvCell[][] =>
      steps.map((s) => [
        period,
        range.from.toISOString(),
        range.to.toISOString(),
        group,
        value,
        s.index,
        s.event,
        s.label,
        s.count,
        s.conversionRate,
        s.stepConversionRate,
        s.dropOff,
        s.dropOffRate,
        s.medianTimeToConvertSeconds,
        s.averageTimeToConvertSeconds,
      ]);
    const rows = [
      ...lines('current', result.range, 'all', null, result.steps),
      ...result.breakdowns.flatMap((b) => lines('current', result.range, 'breakdown', b.value, b.steps)),
      ...(result.comparison ? lines('comparison', result.comparison.range, 'all', null, result.comparison.steps) : []),
    ];
    return { header, rows };
  }
}

/** The figures of every step from the SQL rows of one period and group (missing steps: nobody reached them). */
function describeSteps(q: FunnelQuery, rows: readonly FunnelStepRow[]): FunnelStep[] {
  const tallies: (StepTally | undefined)[] = [];
  for (const r of rows) tallies[r.step - 1] = { users: r.users, medianSeconds: r.medianSeconds, meanSeconds: r.meanSeconds };
  return funnelStepFigures(tallies, q.steps.length).map((figures, i) => ({
    ...figures,
    event: q.steps[i]!.event,
    label: q.steps[i]!.label ?? q.steps[i]!.event,
  }));
}

/** The range's breakdowns, most step-1 users first (ties by value, null last), then `$other`. */
function breakdowns(q: FunnelQuery, rows: readonly FunnelStepRow[]): FunnelBreakdown[] {
  const groups = new Map<string, { other: boolean; value: string | null; rows: FunnelStepRow[] }>();
  for (const r of rows) {
    if (r.period !== 0 || !r.inBreakdown) continue;
    const key = r.other ? 'other' : r.value === null ? 'null' : `v:${r.value}`;
    const group = groups.get(key) ?? { other: r.other, value: r.other ? OTHER_BREAKDOWN : r.value, rows: [] };
    group.rows.push(r);
    groups.set(key, group);
  }
  const result = [...groups.values()].map((g) => {
    const steps = describeSteps(q, g.rows);
    return { other: g.other, breakdown: { value: g.value, steps, conversionRate: overallConversion(steps) } };
  });
  result.sort(
    (a, b) =>
      Number(a.other) - Number(b.other) ||
      b.breakdown.steps[0]!.count - a.breakdown.steps[0]!.count ||
      compareValues(a.breakdown.value, b.breakdown.value),
  );
  return result.map((r) => r.breakdown);
}

function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
