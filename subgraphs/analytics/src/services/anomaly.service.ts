/**
 * Anomalies of a daily series (docs/analytics/anomalies.md): the series comes
 * from the trend service with enough history before the range for every day's
 * baseline and residual window; the scoring is pure (domain/anomaly.ts).
 */
import type { Identity } from '@platform/core';
import { parseInput } from '@platform/core';
import { z } from 'zod';
import { type AnomalyDirection, type AnomalySeasonality, BASELINE, DEFAULT_THRESHOLD, detectAnomalies, historyDays, RESIDUAL_WINDOW, withoutLeadingZeros } from '../domain/anomaly.js';
import { bucketStart } from '../domain/time-buckets.js';
import type { AnalyticsDeps } from './deps.js';
import { DAY_MS } from './deps.js';
import { dateRange, eventName } from './query-inputs.js';
import type { AnalyticsQuery, CsvTable } from './query-service.js';
import { filtersOrNone, orDefault, type TrendService, trendMath } from './trend.service.js';

export type { AnomalyDirection, AnomalySeasonality };
export const ANOMALY_SEASONALITIES = ['NONE', 'WEEKLY'] as const satisfies readonly AnomalySeasonality[];

export const anomalyInput = z.object({
  event: eventName.nullish().transform((v) => v ?? null),
  math: orDefault(trendMath, 'TOTAL'),
  filters: filtersOrNone,
  range: dateRange,
  threshold: orDefault(z.number().gt(0, 'must be above 0').max(100, 'must be at most 100'), DEFAULT_THRESHOLD),
  seasonality: orDefault(z.enum(ANOMALY_SEASONALITIES), 'WEEKLY'),
});
export type AnomalyInput = z.input<typeof anomalyInput>;

export interface AnomalyPoint {
  /** Start of the UTC day. */
  bucket: Date;
  value: number;
  expected: number | null;
  score: number | null;
  isAnomaly: boolean;
  direction: AnomalyDirection | null;
}

export interface AnomalyReport {
  method: string;
  threshold: number;
  seasonality: AnomalySeasonality;
  points: AnomalyPoint[];
  anomalyCount: number;
}

export function methodOf(seasonality: AnomalySeasonality): string {
  const baseline = seasonality === 'WEEKLY' ? 'median of the same weekday in the previous 4 weeks (at least 2)' : `median of the previous ${BASELINE.NONE.lags.length} days (at least ${BASELINE.NONE.minimum})`;
  return `expected = ${baseline}; score = modified z-score (Iglewicz & Hoaglin) of value − expected against the residuals of the previous ${RESIDUAL_WINDOW} days`;
}

export class AnomalyService implements AnalyticsQuery<AnomalyReport> {
  constructor(
    private readonly deps: AnalyticsDeps,
    private readonly trends: TrendService,
  ) {}

  async run(actor: Identity, input: unknown): Promise<AnomalyReport> {
    const q = parseInput(anomalyInput, input);
    // Whole UTC days: the range is widened to the days it touches.
    const from = bucketStart(q.range.from, 'DAY');
    const to = new Date(bucketStart(new Date(q.range.to.getTime() - 1), 'DAY').getTime() + DAY_MS);
    const history = historyDays(q.seasonality);
    const trend = await this.trends.compute(actor, {
      series: [{ event: q.event, math: q.math, filters: q.filters }],
      interval: 'DAY',
      range: { from: new Date(from.getTime() - history * DAY_MS), to },
      filters: [],
    });
    const daily = trend.series[0]!.points;
    const scored = detectAnomalies(withoutLeadingZeros(daily.map((p) => p.value)), { threshold: q.threshold, seasonality: q.seasonality });
    const now = this.deps.now().getTime();
    const points = daily.slice(history).map((p, i): AnomalyPoint => {
      const s = scored[history + i]!;
      // A day not over yet looks like a drop: it keeps its baseline but gets no verdict.
      if (p.bucket.getTime() + DAY_MS > now) return { bucket: p.bucket, value: p.value, expected: s.expected, score: null, isAnomaly: false, direction: null };
      return { ...s, bucket: p.bucket, value: p.value };
    });
    return { method: methodOf(q.seasonality), threshold: q.threshold, seasonality: q.seasonality, points, anomalyCount: points.filter((p) => p.isAnomaly).length };
  }

  table(report: AnomalyReport): CsvTable {
    return {
      header: ['bucket', 'value', 'expected', 'score', 'isAnomaly', 'direction'],
      rows: report.points.map((p) => [p.bucket.toISOString(), p.value, p.expected, p.score, p.isAnomaly, p.direction]),
    };
  }
}
