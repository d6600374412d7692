/** Retention (`retention`) with PostHog's definitions, and cohort LTV for customer cohorts. Method: docs/analytics/retention-and-ltv.md. */
import { listCost, VALUE_OBJECT_COST } from '@platform/core';
import { builder } from '../builder.js';
import type { LtvBucket, LtvDistribution } from '../domain/ltv.js';
import type { RetentionValue } from '../domain/retention-periods.js';
import { type LtvCohort, type LtvReport, MAX_PERIODS, type Retention, type RetentionCohort } from '../services/retention.service.js';
import { PropertyFilterInput } from './common.js';
import { readScopes } from './scopes.js';

export type { LtvCohort, LtvReport, Retention, RetentionCohort };

export const RetentionPeriodEnum = builder.enumType('RetentionPeriod', {
  description: 'The length of a cohort period, in UTC; WEEK starts on Monday.',
  values: ['DAY', 'WEEK', 'MONTH'] as const,
});

export const RetentionTypeEnum = builder.enumType('RetentionType', {
  values: {
    FIRST_TIME: { description: 'An actor belongs to the cohort of the period of their first-ever start event (over all history); only actors whose first start event falls in the window count.' },
    RECURRING: { description: 'An actor belongs to the cohort of every period in which they did the start event.' },
  },
});

export const RetentionAggregationEnum = builder.enumType('RetentionAggregation', {
  values: {
    USER: { description: 'Count users (distinct ids).' },
    CUSTOMER: { description: 'Count customers (the events’ customerId); events without a customer are ignored. Adds the cohorts’ LTV.' },
  },
});

export const RetentionInput = builder.inputType('RetentionInput', {
  fields: (t) => ({
    startEvent: t.string({ required: true, description: 'The event that puts an actor in a cohort.' }),
    returnEvent: t.string({ description: 'The event that counts as coming back; defaults to startEvent.' }),
    period: t.field({ type: RetentionPeriodEnum, defaultValue: 'WEEK' }),
    periods: t.int({ defaultValue: 12, description: `Number of cohorts, 1 to ${MAX_PERIODS}.` }),
    to: t.field({ type: 'DateTime', description: 'The last cohort is the period containing this instant (default now; at most a day ahead). Later events are ignored.' }),
    type: t.field({ type: RetentionTypeEnum, defaultValue: 'FIRST_TIME' }),
    aggregateBy: t.field({ type: RetentionAggregationEnum, defaultValue: 'USER' }),
    filters: t.field({ type: [PropertyFilterInput], description: 'Conditions on the properties of both start and return events.' }),
    ltvCurrency: t.string({ defaultValue: 'USD', description: 'ISO 4217 code of the LTV revenue (aggregateBy CUSTOMER).' }),
  }),
});

export const RetentionValueRef = builder.objectRef<RetentionValue>('RetentionValue').implement({
  // A row of a report computed in one SQL statement: no work of its own.
  directives: VALUE_OBJECT_COST,
  fields: (t) => ({
    offset: t.exposeInt('offset', { description: 'Periods after the cohort’s own (0 = the cohort itself).' }),
    count: t.exposeInt('count', { description: 'Offset 0: the cohort’s size; n ≥ 1: members who did the return event in the n-th period after.' }),
    rate: t.exposeFloat('rate', { nullable: true, description: 'count ÷ size; null for an empty cohort.' }),
  }),
});

export const RetentionCohortRef = builder.objectRef<RetentionCohort>('RetentionCohort').implement({
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime', description: 'Start of the cohort’s period (UTC).' }),
    size: t.exposeInt('size'),
    // At most MAX_PERIODS offsets.
    values: t.field({ type: [RetentionValueRef], directives: listCost(MAX_PERIODS), description: 'Offsets 0 … (periods − 1 − cohort index): offsets in the future are omitted.', resolve: (c) => c.values }),
  }),
});

export const LtvCohortRef = builder.objectRef<LtvCohort>('LtvCohort').implement({
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime' }),
    customers: t.exposeInt('customers', { description: 'The cohort’s size.' }),
    cumulativeRevenuePerCustomer: t.exposeFloatList('cumulativeRevenuePerCustomer', {
      description: 'Per offset, as in the retention cohort: revenue (minor units) the cohort’s customers paid from the cohort’s start to the end of that period (or `to`), ÷ customers; 0 for an empty cohort.',
    }),
  }),
});

export const LtvBucketRef = builder.objectRef<LtvBucket>('LtvBucket').implement({
  description: 'An equal-width bucket [lower, upper) of lifetime revenue; the last includes its upper bound.',
  fields: (t) => ({ lower: t.exposeFloat('lower'), upper: t.exposeFloat('upper'), customers: t.exposeInt('customers') }),
});

export const LtvDistributionRef = builder.objectRef<LtvDistribution>('LtvDistribution').implement({
  description: 'Lifetime revenue (everything paid up to `to`, minor units) of each distinct customer of the cohorts, zeros included. Statistics are null without customers.',
  fields: (t) => ({
    customers: t.exposeInt('customers'),
    mean: t.exposeFloat('mean', { nullable: true }),
    p25: t.exposeFloat('p25', { nullable: true, description: 'Percentiles interpolate linearly between order statistics (R type 7).' }),
    median: t.exposeFloat('median', { nullable: true }),
    p75: t.exposeFloat('p75', { nullable: true }),
    p90: t.exposeFloat('p90', { nullable: true }),
    max: t.exposeFloat('max', { nullable: true }),
    buckets: t.field({ type: [LtvBucketRef], description: 'About 10 equal-width buckets from the smallest to the largest lifetime revenue.', resolve: (d) => d.buckets }),
  }),
});

export const LtvReportRef = builder.objectRef<LtvReport>('LtvReport').implement({
  fields: (t) => ({
    currency: t.exposeString('currency'),
    cohorts: t.field({ type: [LtvCohortRef], resolve: (r) => r.cohorts }),
    distribution: t.field({ type: LtvDistributionRef, resolve: (r) => r.distribution }),
  }),
});

export const RetentionRef = builder.objectRef<Retention>('Retention').implement({
  fields: (t) => ({
    period: t.field({ type: RetentionPeriodEnum, resolve: (r) => r.period }),
    type: t.field({ type: RetentionTypeEnum, resolve: (r) => r.type }),
    aggregateBy: t.field({ type: RetentionAggregationEnum, resolve: (r) => r.aggregateBy }),
    // One per period, at most MAX_PERIODS.
    cohorts: t.field({ type: [RetentionCohortRef], directives: listCost(MAX_PERIODS), description: 'Oldest first; the last is the period containing `to`.', resolve: (r) => r.cohorts }),
    averageRates: t.field({
      type: ['Float'],
      nullable: { list: false, items: true },
      description: 'Per offset n: the size-weighted mean rate over the cohorts that have offset n (Σ count ÷ Σ size); null when those cohorts are all empty.',
      resolve: (r) => r.averageRates,
    }),
    ltv: t.field({
      type: LtvReportRef,
      nullable: true,
      description: 'Customer lifetime value of the cohorts, from paid invoices in `ltvCurrency`. Only with aggregateBy CUSTOMER; null otherwise.',
      resolve: (r) => r.ltv,
    }),
  }),
});

builder.queryField('retention', (t) =>
  t.field({
    type: RetentionRef,
    authScopes: readScopes,
    errors: {},
    description: 'Cohorts of actors who did `startEvent`, and how many came back with `returnEvent` in each later period.',
    args: { input: t.arg({ type: RetentionInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.retention.run(ctx.identity, input),
  }),
);
