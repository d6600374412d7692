/** Trends (`trend`): series of event counts or active users per UTC bucket. Method: docs/analytics/trends-and-kpis.md. */
import { listCost, VALUE_OBJECT_COST } from '@platform/core';
import { builder } from '../builder.js';
import { MAX_BUCKETS } from '../domain/time-buckets.js';
import { MAX_SERIES, type TREND_MATHS, type Trend, type TrendPoint, type TrendSeries } from '../services/trend.service.js';
import { DateRangeInput, DateRangeRef, PropertyFilterInput, TimeIntervalEnum } from './common.js';
import { readScopes } from './scopes.js';

export type { Trend, TrendPoint, TrendSeries };

export const TrendMathEnum = builder.enumType('TrendMath', {
  description: 'What a series counts per bucket.',
  values: {
    TOTAL: { description: 'Events.' },
    UNIQUE_USERS: { description: 'Distinct users (distinct ids) with an event in the bucket: daily active users at DAY interval.' },
    WEEKLY_ACTIVE_USERS: { description: 'Distinct users with an event in the 7 days ending at the bucket’s end (rolling; the last bucket ends at `range.to`).' },
    MONTHLY_ACTIVE_USERS: { description: 'Distinct users with an event in the 30 days ending at the bucket’s end (rolling).' },
  } as const satisfies Record<(typeof TREND_MATHS)[number], { description: string }>,
});

const TrendSeriesInput = builder.inputType('TrendSeriesInput', {
  fields: (t) => ({
    event: t.string({ description: 'The event name; null counts every event.' }),
    math: t.field({ type: TrendMathEnum, defaultValue: 'TOTAL' }),
    filters: t.field({ type: [PropertyFilterInput], description: 'Conditions on the event’s properties, on top of the trend’s filters.' }),
    label: t.string({ description: 'Shown in legends and CSV headers; defaults to the event name (or “All events”) and the math.' }),
  }),
});

export const TrendInput = builder.inputType('TrendInput', {
  fields: (t) => ({
    series: t.field({ type: [TrendSeriesInput], required: true, description: `1 to ${MAX_SERIES} series.` }),
    interval: t.field({ type: TimeIntervalEnum, defaultValue: 'DAY', description: `The bucket; at most ${MAX_BUCKETS.toLocaleString('en')} buckets over the range.` }),
    range: t.field({ type: DateRangeInput, required: true, description: 'Events in [from, to) count; the first and last buckets may be partial.' }),
    filters: t.field({ type: [PropertyFilterInput], description: 'Conditions applied to every series.' }),
  }),
});

export const TrendPointRef = builder.objectRef<TrendPoint>('TrendPoint').implement({
  // A row of a report computed in one SQL statement: no work of its own.
  directives: VALUE_OBJECT_COST,
  fields: (t) => ({
    bucket: t.expose('bucket', { type: 'DateTime', description: 'Start of the bucket (UTC).' }),
    value: t.exposeFloat('value'),
  }),
});

export const TrendSeriesRef = builder.objectRef<TrendSeries>('TrendSeries').implement({
  fields: (t) => ({
    label: t.exposeString('label'),
    event: t.exposeString('event', { nullable: true, description: 'Null: every event.' }),
    math: t.field({ type: TrendMathEnum, resolve: (s) => s.math }),
    // One per bucket, at most MAX_BUCKETS (2,000); a year of days is the common large case.
    points: t.field({ type: [TrendPointRef], directives: listCost(366), description: 'Every bucket of the range, oldest first; 0 where nothing happened.', resolve: (s) => s.points }),
    total: t.exposeFloat('total', {
      description: 'TOTAL: the sum of the points; UNIQUE_USERS: distinct users over the whole range (not the sum); WEEKLY/MONTHLY_ACTIVE_USERS: the last point.',
    }),
  }),
});

export const TrendRef = builder.objectRef<Trend>('Trend').implement({
  fields: (t) => ({
    interval: t.field({ type: TimeIntervalEnum, resolve: (r) => r.interval }),
    range: t.field({ type: DateRangeRef, resolve: (r) => r.range }),
    series: t.field({ type: [TrendSeriesRef], resolve: (r) => r.series }),
  }),
});

builder.queryField('trend', (t) =>
  t.field({
    type: TrendRef,
    authScopes: readScopes,
    errors: {},
    description: 'Event counts or active users per UTC bucket (HOUR, DAY, WEEK from Monday, MONTH) for up to 10 series.',
    args: { input: t.arg({ type: TrendInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.trends.run(ctx.identity, input),
  }),
);
