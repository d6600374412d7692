/** A/B experiments: definitions, lifecycle, assignment and results (method: docs/analytics/experiments.md). */
import { ConflictError, connectionCost, InvalidStateError, NotFoundError, ValidationError } from '@platform/core';
import { builder } from '../builder.js';
import type { Interval, SignificanceLevel, VariantResult } from '../domain/experiment-stats.js';
import {
  DEFAULT_CONFIDENCE_LEVEL,
  DEFAULT_MINIMUM_DETECTABLE_EFFECT,
  DEFAULT_PAGE_SIZE,
  EXPERIMENT_STATUSES,
  type Experiment,
  type ExperimentAssignment,
  type ExperimentResults,
  type ExperimentStatus,
} from '../services/experiment.service.js';
import { connection } from './page-info.js';
import { readScopes, writeScopes } from './scopes.js';

export type { Experiment, ExperimentAssignment, ExperimentResults } from '../services/experiment.service.js';

const ExperimentStatusEnum = builder.enumType('ExperimentStatus', {
  description: 'DRAFT (editable, not measured) → RUNNING (exposures count) → STOPPED (final; results cover the run).',
  values: EXPERIMENT_STATUSES,
});

const ExperimentVariantInput = builder.inputType('ExperimentVariantInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: '1–64 letters, digits, _ or -; unique within the experiment.' }),
    weight: t.int({ required: true, description: 'Percentage of users (whole number); the weights sum to 100.' }),
  }),
});

const variantsDescription = '2–10 variants, the first being the control; whole-number weights summing to 100.';
const mdeDescription = 'The smallest relative lift worth detecting (0.1 = +10 %, 0.01–10); sets the minimum sample size per variant.';

const CreateExperimentInput = builder.inputType('CreateExperimentInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: 'Stable, unique in the tenant, part of the assignment hash (1–100 letters, digits, _ or -); cannot change.' }),
    name: t.string({ required: true }),
    description: t.string(),
    exposureEvent: t.string({ required: true, description: 'A user enters the experiment with their first such event while it runs.' }),
    conversionEvent: t.string({ required: true, description: 'An exposed user converts with such an event after their first exposure, before the end.' }),
    variants: t.field({ type: [ExperimentVariantInput], required: true, description: variantsDescription }),
    minimumDetectableEffect: t.float({ defaultValue: DEFAULT_MINIMUM_DETECTABLE_EFFECT, description: mdeDescription }),
  }),
});

const UpdateExperimentInput = builder.inputType('UpdateExperimentInput', {
  description: 'Only a DRAFT can change. Absent or null fields stay as they are; a null `description` clears it.',
  fields: (t) => ({
    name: t.string(),
    description: t.string(),
    exposureEvent: t.string(),
    conversionEvent: t.string(),
    variants: t.field({ type: [ExperimentVariantInput], description: variantsDescription }),
    minimumDetectableEffect: t.float({ description: mdeDescription }),
  }),
});

const ExperimentVariantRef = builder.objectRef<{ key: string; weight: number }>('ExperimentVariant').implement({
  fields: (t) => ({ key: t.exposeString('key'), weight: t.exposeInt('weight', { description: 'Percentage of users.' }) }),
});

const IntervalRef = builder.objectRef<Interval>('ConfidenceInterval').implement({
  fields: (t) => ({ lower: t.exposeFloat('lower'), upper: t.exposeFloat('upper') }),
});

const ExperimentVariantResultRef = builder.objectRef<VariantResult>('ExperimentVariantResult').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    exposures: t.exposeInt('exposures', { description: 'Users whose first exposure event fell in the run.' }),
    conversions: t.exposeInt('conversions', { description: 'Of them, users with a conversion event after their first exposure and before the end.' }),
    conversionRate: t.exposeFloat('conversionRate', { nullable: true, description: 'conversions ÷ exposures; null without exposures.' }),
    confidenceInterval: t.field({
      type: IntervalRef,
      nullable: true,
      description: 'Wilson score interval of the rate at the confidence level; null without exposures.',
      resolve: (v) => v.confidenceInterval,
    }),
    relativeLift: t.exposeFloat('relativeLift', { nullable: true, description: 'rate ÷ control rate − 1; null for the control and when the control’s rate is 0 or unknown.' }),
    zScore: t.exposeFloat('zScore', { nullable: true, description: 'Two-proportion z against the control (pooled SE); null for the control or without a defined SE.' }),
    pValue: t.exposeFloat('pValue', { nullable: true, description: 'Two-sided.' }),
    significant: t.exposeBoolean('significant', { description: 'pValue < 1 − confidence level; never for the control.' }),
  }),
});

const SignificanceLevelRef = builder.objectRef<SignificanceLevel>('SignificanceLevel').implement({
  fields: (t) => ({
    confidenceLevel: t.exposeFloat('confidenceLevel'),
    significant: t.exposeBoolean('significant', { description: 'Some variant differs significantly from the control at this level.' }),
    winner: t.exposeString('winner', { nullable: true, description: 'The winner at this level (same rule as `ExperimentResults.winner`).' }),
  }),
});

export const ExperimentResultsRef = builder.objectRef<ExperimentResults>('ExperimentResults').implement({
  fields: (t) => ({
    confidenceLevel: t.exposeFloat('confidenceLevel'),
    control: t.exposeString('control', { description: 'The key of the control (the first variant).' }),
    variants: t.field({ type: [ExperimentVariantResultRef], description: 'In the experiment’s order, the control first.', resolve: (r) => r.variants }),
    minimumSampleSizePerVariant: t.exposeInt('minimumSampleSizePerVariant', {
      nullable: true,
      description: 'Users per variant to detect the minimum detectable effect on the control’s observed rate at this confidence with 80 % power; null when the control rate is 0 or unknown, or the target rate would reach 100 %.',
    }),
    sampleSizeReached: t.exposeBoolean('sampleSizeReached', { description: 'Every variant has at least minimumSampleSizePerVariant exposures.' }),
    winner: t.exposeString('winner', {
      nullable: true,
      description: 'Only once the sample size is reached: the best variant among those significantly better than the control, or the control when every other variant is significantly worse.',
    }),
    significantAt: t.field({ type: [SignificanceLevelRef], description: 'At 90, 95 and 99 %.', resolve: (r) => r.significantAt }),
  }),
});

const ExperimentRef = builder.objectRef<Experiment>('Experiment').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    exposureEvent: t.exposeString('exposureEvent'),
    conversionEvent: t.exposeString('conversionEvent'),
    status: t.field({ type: ExperimentStatusEnum, resolve: (e) => e.status as ExperimentStatus }),
    variants: t.field({ type: [ExperimentVariantRef], resolve: (e) => e.variants }),
    minimumDetectableEffect: t.exposeFloat('minimumDetectableEffect'),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    stoppedAt: t.expose('stoppedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    results: t.field({
      type: ExperimentResultsRef,
      nullable: true,
      description: 'Measured from startedAt to stoppedAt (or now); null while DRAFT. `confidenceLevel` 0.8–0.999.',
      args: { confidenceLevel: t.arg.float({ defaultValue: DEFAULT_CONFIDENCE_LEVEL }) },
      resolve: (e, { confidenceLevel }, ctx) => ctx.services.experiments.results(ctx.identity, e, confidenceLevel),
    }),
  }),
});

const ExperimentConnection = connection('ExperimentConnection', ExperimentRef);

const ExperimentAssignmentRef = builder.objectRef<ExperimentAssignment>('ExperimentAssignment').implement({
  fields: (t) => ({
    experimentKey: t.exposeString('experimentKey'),
    variant: t.exposeString('variant'),
    bucket: t.exposeInt('bucket', { description: '0–9,999: md5(`key.distinctId`) mod 10,000; a variant of weight w takes w × 100 consecutive buckets.' }),
    status: t.field({ type: ExperimentStatusEnum, description: 'Exposures count only while RUNNING.', resolve: (x) => x.status }),
  }),
});

builder.queryFields((t) => ({
  experiment: t.field({
    type: ExperimentRef,
    nullable: true,
    authScopes: readScopes,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.experiments.get(ctx.identity, id),
  }),
  experiments: t.field({
    type: ExperimentConnection,
    directives: connectionCost(DEFAULT_PAGE_SIZE),
    authScopes: readScopes,
    description: `Newest first; \`first\` 1–100 (default ${DEFAULT_PAGE_SIZE}).`,
    args: { status: t.arg({ type: ExperimentStatusEnum }), first: t.arg.int({ defaultValue: DEFAULT_PAGE_SIZE }), after: t.arg.string() },
    resolve: (_r, { status, first, after }, ctx) => ctx.services.experiments.list(ctx.identity, { status }, { first, after }),
  }),
  experimentAssignment: t.field({
    type: ExperimentAssignmentRef,
    authScopes: readScopes,
    errors: { types: [ValidationError, NotFoundError] },
    description: 'The variant a user gets: deterministic, the same in every status (a DRAFT can be previewed; only RUNNING counts exposures). NotFoundError for an unknown key.',
    args: { experimentKey: t.arg.string({ required: true }), distinctId: t.arg.string({ required: true }) },
    resolve: (_r, { experimentKey, distinctId }, ctx) => ctx.services.experiments.assignment(ctx.identity, experimentKey, distinctId),
  }),
}));

builder.mutationFields((t) => ({
  createExperiment: t.field({
    type: ExperimentRef,
    authScopes: writeScopes,
    errors: { types: [ValidationError, ConflictError] },
    description: 'Creates a DRAFT. ConflictError when the key is taken.',
    args: { input: t.arg({ type: CreateExperimentInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.experiments.create(ctx.identity, input),
  }),
  updateExperiment: t.field({
    type: ExperimentRef,
    authScopes: writeScopes,
    errors: { types: [ValidationError, NotFoundError, InvalidStateError] },
    description: 'Changes a DRAFT; InvalidStateError once started.',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateExperimentInput, required: true }) },
    resolve: (_r, { id, input }, ctx) => ctx.services.experiments.update(ctx.identity, id, input),
  }),
  startExperiment: t.field({
    type: ExperimentRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    description: 'DRAFT → RUNNING; startedAt is now.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.experiments.start(ctx.identity, id),
  }),
  stopExperiment: t.field({
    type: ExperimentRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    description: 'RUNNING → STOPPED (final); stoppedAt is now and the results stop there.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.experiments.stop(ctx.identity, id),
  }),
}));
