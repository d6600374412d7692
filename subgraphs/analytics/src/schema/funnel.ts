/** Funnels: users through a sequence of events within a conversion window (method: docs/analytics/funnels.md). */
import { builder } from '../builder.js';
import {
  DEFAULT_CONVERSION_WINDOW_SECONDS,
  FUNNEL_ORDERS,
  type FunnelBreakdown,
  type FunnelComparison,
  type FunnelResult,
  type FunnelStep,
  MAX_FUNNEL_STEPS,
  MIN_FUNNEL_STEPS,
} from '../services/funnel.service.js';
import { TOP_BREAKDOWN_VALUES } from '../sql/funnel-query.js';
import { DateRangeInput, DateRangeRef, PropertyFilterInput } from './common.js';
import { readScopes } from './scopes.js';

export type { FunnelBreakdown, FunnelComparison, FunnelResult, FunnelStep } from '../services/funnel.service.js';

export const FunnelOrderEnum = builder.enumType('FunnelOrder', {
  description:
    'ORDERED: the steps in this order, each strictly after the previous, other events allowed in between. STRICT: the same, with no other event at all between two steps. UNORDERED: the steps in any order. Always within the conversion window from the first step.',
  values: FUNNEL_ORDERS,
});

const FunnelStepInput = builder.inputType('FunnelStepInput', {
  fields: (t) => ({
    event: t.string({ required: true, description: 'The event name of this step.' }),
    filters: t.field({ type: [PropertyFilterInput], description: 'Conditions the step’s event must meet.' }),
    label: t.string({ description: 'A display name; default the event name.' }),
  }),
});

const FunnelInput = builder.inputType('FunnelInput', {
  fields: (t) => ({
    steps: t.field({ type: [FunnelStepInput], required: true, description: `${MIN_FUNNEL_STEPS} to ${MAX_FUNNEL_STEPS} steps.` }),
    order: t.field({ type: FunnelOrderEnum, defaultValue: 'ORDERED' }),
    conversionWindowSeconds: t.int({
      defaultValue: DEFAULT_CONVERSION_WINDOW_SECONDS,
      description: 'Every step must happen at most this long after step 1 (inclusive): 60 seconds to 365 days; default 14 days.',
    }),
    range: t.field({ type: DateRangeInput, required: true, description: 'Step 1 must happen in this range; later steps may fall up to the window after its end.' }),
    filters: t.field({ type: [PropertyFilterInput], description: 'Conditions every step’s event must meet.' }),
    breakdownProperty: t.string({ description: `Splits the users by this property of their counted attempt’s first event (top ${TOP_BREAKDOWN_VALUES} values, the rest as \`$other\`).` }),
    compareTo: t.field({ type: DateRangeInput, description: 'A second period counted with the same definition.' }),
  }),
});

const FunnelStepRef = builder.objectRef<FunnelStep>('FunnelStep').implement({
  description: 'Users who reached a step (at least that far, in at least one attempt).',
  fields: (t) => ({
    index: t.exposeInt('index', { description: '1-based.' }),
    event: t.exposeString('event'),
    label: t.exposeString('label'),
    count: t.exposeInt('count', { description: 'Users who reached this step. For UNORDERED: users who did at least this many of the steps.' }),
    conversionRate: t.exposeFloat('conversionRate', { nullable: true, description: 'count ÷ step 1’s count; null when that is 0.' }),
    stepConversionRate: t.exposeFloat('stepConversionRate', { nullable: true, description: 'count ÷ the previous step’s count (step 1: 1); null when that is 0.' }),
    dropOff: t.exposeInt('dropOff', { description: 'The previous step’s count − count; 0 for step 1.' }),
    dropOffRate: t.exposeFloat('dropOffRate', { nullable: true, description: 'dropOff ÷ the previous step’s count; null when that is 0.' }),
    medianTimeToConvertSeconds: t.exposeFloat('medianTimeToConvertSeconds', {
      nullable: true,
      description: 'Median time from the previous step to this one in the counted attempts; null for step 1 or when nobody reached it.',
    }),
    averageTimeToConvertSeconds: t.exposeFloat('averageTimeToConvertSeconds', { nullable: true, description: 'Mean of the same times.' }),
  }),
});

const FunnelBreakdownRef = builder.objectRef<FunnelBreakdown>('FunnelBreakdown').implement({
  fields: (t) => ({
    value: t.exposeString('value', { nullable: true, description: 'The property’s value; null when the first event lacks it; `$other` for the values after the top 20.' }),
    steps: t.field({ type: [FunnelStepRef], resolve: (b) => b.steps }),
    conversionRate: t.exposeFloat('conversionRate', { nullable: true, description: 'Last step ÷ first step.' }),
  }),
});

const FunnelComparisonRef = builder.objectRef<FunnelComparison>('FunnelComparison').implement({
  fields: (t) => ({
    range: t.field({ type: DateRangeRef, resolve: (c) => c.range }),
    steps: t.field({ type: [FunnelStepRef], resolve: (c) => c.steps }),
    conversionRate: t.exposeFloat('conversionRate', { nullable: true, description: 'Last step ÷ first step.' }),
  }),
});

export const FunnelRef = builder.objectRef<FunnelResult>('Funnel').implement({
  fields: (t) => ({
    order: t.field({ type: FunnelOrderEnum, resolve: (f) => f.order }),
    conversionWindowSeconds: t.exposeInt('conversionWindowSeconds'),
    range: t.field({ type: DateRangeRef, resolve: (f) => f.range }),
    steps: t.field({ type: [FunnelStepRef], resolve: (f) => f.steps }),
    conversionRate: t.exposeFloat('conversionRate', { nullable: true, description: 'Last step ÷ first step; null when nobody did step 1.' }),
    breakdowns: t.field({ type: [FunnelBreakdownRef], description: 'Empty without `breakdownProperty`.', resolve: (f) => f.breakdowns }),
    comparison: t.field({ type: FunnelComparisonRef, nullable: true, description: 'The `compareTo` period; null without it.', resolve: (f) => f.comparison }),
  }),
});

builder.queryField('funnel', (t) =>
  t.field({
    type: FunnelRef,
    authScopes: readScopes,
    errors: {},
    description: 'How many users went through the steps within the conversion window, step by step, with drop-off and time to convert; per breakdown value and against a second period on request.',
    args: { input: t.arg({ type: FunnelInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.funnels.run(ctx.identity, input),
  }),
);
