/** Anomaly detection (`anomalies`) on a daily series. Method: docs/analytics/anomalies.md. */
import { listCost, VALUE_OBJECT_COST } from '@platform/core';
import { builder } from '../builder.js';
import { DEFAULT_THRESHOLD } from '../domain/anomaly.js';
import type { AnomalyPoint, AnomalyReport } from '../services/anomaly.service.js';
import { MAX_RANGE_DAYS } from '../services/query-inputs.js';
import { DateRangeInput, PropertyFilterInput } from './common.js';
import { readScopes } from './scopes.js';
import { TrendMathEnum } from './trend.js';

export type { AnomalyPoint, AnomalyReport };

export const AnomalySeasonalityEnum = builder.enumType('AnomalySeasonality', {
  values: {
    NONE: { description: 'Expected value: the median of the previous 14 days (at least 7).' },
    WEEKLY: { description: 'Expected value: the median of the same weekday in the previous 4 weeks (at least 2).' },
  },
});

export const AnomalyDirectionEnum = builder.enumType('AnomalyDirection', {
  values: { SPIKE: { description: 'Above what was expected.' }, DROP: { description: 'Below what was expected.' } },
});

export const AnomalyInput = builder.inputType('AnomalyInput', {
  fields: (t) => ({
    event: t.string({ description: 'The event name; null counts every event.' }),
    math: t.field({ type: TrendMathEnum, defaultValue: 'TOTAL' }),
    filters: t.field({ type: [PropertyFilterInput] }),
    range: t.field({ type: DateRangeInput, required: true, description: 'The days to score, widened to whole UTC days; history before it is read for the baselines.' }),
    threshold: t.float({ defaultValue: DEFAULT_THRESHOLD, description: 'A day is anomalous when |score| exceeds this (above 0, at most 100).' }),
    seasonality: t.field({ type: AnomalySeasonalityEnum, defaultValue: 'WEEKLY' }),
  }),
});

export const AnomalyPointRef = builder.objectRef<AnomalyPoint>('AnomalyPoint').implement({
  // A row of a report computed in one SQL statement: no work of its own.
  directives: VALUE_OBJECT_COST,
  fields: (t) => ({
    bucket: t.expose('bucket', { type: 'DateTime', description: 'Start of the UTC day.' }),
    value: t.exposeFloat('value'),
    expected: t.exposeFloat('expected', { nullable: true, description: 'The baseline; null without enough history.' }),
    score: t.exposeFloat('score', { nullable: true, description: 'Modified z-score of value − expected; null without a baseline, with too few earlier residuals, or for a day not over yet.' }),
    isAnomaly: t.exposeBoolean('isAnomaly', { description: '|score| > threshold.' }),
    direction: t.field({ type: AnomalyDirectionEnum, nullable: true, description: 'Only for anomalies.', resolve: (p) => p.direction }),
  }),
});

export const AnomalyReportRef = builder.objectRef<AnomalyReport>('AnomalyReport').implement({
  fields: (t) => ({
    method: t.exposeString('method', { description: 'How expected values and scores were computed, in words.' }),
    threshold: t.exposeFloat('threshold'),
    seasonality: t.field({ type: AnomalySeasonalityEnum, resolve: (r) => r.seasonality }),
    // One per day of the range, at most MAX_RANGE_DAYS.
    points: t.field({ type: [AnomalyPointRef], directives: listCost(MAX_RANGE_DAYS), description: 'One per UTC day of the range, oldest first.', resolve: (r) => r.points }),
    anomalyCount: t.exposeInt('anomalyCount'),
  }),
});

builder.queryField('anomalies', (t) =>
  t.field({
    type: AnomalyReportRef,
    authScopes: readScopes,
    // The union is named after the type (the default would be the field's name).
    errors: { union: { name: 'AnomalyReportResult' } },
    description: 'Days of a daily event series that deviate from a robust, optionally weekly-seasonal baseline (modified z-score).',
    args: { input: t.arg({ type: AnomalyInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.anomalies.run(ctx.identity, input),
  }),
);
