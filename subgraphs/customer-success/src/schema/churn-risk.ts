/**
 * ChurnRisk: one churn estimate for a customer (logistic regression on the
 * tenant's history, or the labelled rule-based estimate) with the factors that
 * drove it; ChurnModel: the tenant's trained model and its coefficients.
 */

import { builder } from '../builder.js';
import {
  CHURN_METHOD_LABELS,
  type ChurnContribution,
  type ChurnFeature,
  type ChurnPrediction,
  type ChurnRiskLevel,
  MIN_SAMPLES_PER_CLASS,
  MIN_TRAINING_SAMPLES,
} from '../domain/index.js';
import type { ChurnModelView, ChurnPredictionRow } from '../services/churn.service.js';
import { CustomerRef } from './customer.js';
import { ChurnFeatureEnum, ChurnMethodEnum, ChurnRiskLevelEnum } from './enums.js';
import { readScopes, writeScopes } from './scopes.js';

type Method = ChurnPrediction['method'];

const Contribution = builder.objectRef<ChurnContribution>('ChurnContribution').implement({
  description: 'How one feature moved the log-odds of churn: contribution = coefficient × standardisedValue.',
  fields: (t) => ({
    feature: t.field({ type: ChurnFeatureEnum, resolve: (c) => c.feature }),
    value: t.exposeFloat('value', { description: 'The raw feature value (missing health figures imputed as 50).' }),
    standardisedValue: t.exposeFloat('standardisedValue', { description: 'The value as the model sees it (z-score, or the rule’s transform).' }),
    coefficient: t.exposeFloat('coefficient'),
    contribution: t.exposeFloat('contribution', { description: 'Positive raises the churn probability, negative lowers it.' }),
  }),
});

export const ChurnRiskRef = builder.objectRef<ChurnPredictionRow>('ChurnRisk').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    probability: t.exposeFloat('probability', { description: 'Probability of churn, 0–1.' }),
    level: t.field({ type: ChurnRiskLevelEnum, resolve: (r) => r.level as ChurnRiskLevel }),
    previousLevel: t.field({ type: ChurnRiskLevelEnum, nullable: true, resolve: (r) => r.previousLevel as ChurnRiskLevel | null }),
    method: t.field({ type: ChurnMethodEnum, resolve: (r) => r.method as Method }),
    isRuleBasedEstimate: t.boolean({ description: 'True while the tenant has too little history for a trained model.', resolve: (r) => r.method === 'RULE_BASED' }),
    methodDescription: t.string({ resolve: (r) => CHURN_METHOD_LABELS[r.method as Method] }),
    contributingFactors: t.field({ type: [Contribution], description: 'Largest effect first.', resolve: (r) => r.contributions as ChurnContribution[] }),
    predictedChurnDate: t.expose('predictedChurnDate', {
      type: 'DateTime',
      nullable: true,
      description: 'When the health-score trend reaches the churn threshold; null below MEDIUM risk or without a declining trend.',
    }),
    modelTrainedAt: t.expose('modelTrainedAt', { type: 'DateTime', nullable: true }),
    computedAt: t.expose('computedAt', { type: 'DateTime' }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (r, _a, ctx) => ctx.loaders.customer.load(r.customerId) }),
  }),
});

const Coefficient = builder.objectRef<{ feature: ChurnFeature; coefficient: number; mean: number; standardDeviation: number }>('ChurnCoefficient').implement({
  fields: (t) => ({
    feature: t.field({ type: ChurnFeatureEnum, resolve: (c) => c.feature }),
    coefficient: t.exposeFloat('coefficient', { description: 'Per standard deviation of the feature.' }),
    mean: t.exposeFloat('mean'),
    standardDeviation: t.exposeFloat('standardDeviation'),
  }),
});

const ChurnModelRef = builder.objectRef<ChurnModelView>('ChurnModel').implement({
  description: 'The tenant’s churn model. Without enough history, predictions are rule-based estimates.',
  fields: (t) => ({
    method: t.field({ type: ChurnMethodEnum, resolve: (m) => (m.model ? 'LOGISTIC_REGRESSION' : 'RULE_BASED') }),
    methodDescription: t.string({ resolve: (m) => CHURN_METHOD_LABELS[m.model ? 'LOGISTIC_REGRESSION' : 'RULE_BASED'] }),
    trainedAt: t.expose('trainedAt', { type: 'DateTime', nullable: true, description: 'Last training attempt.' }),
    samples: t.exposeInt('samples', { description: 'Customers in the last training set.' }),
    churnedSamples: t.exposeInt('churned'),
    retainedSamples: t.exposeInt('retained', { description: 'Customers of 90 days or more that have not churned.' }),
    minimumSamples: t.int({ resolve: () => MIN_TRAINING_SAMPLES }),
    minimumSamplesPerClass: t.int({ resolve: () => MIN_SAMPLES_PER_CLASS }),
    intercept: t.float({ nullable: true, resolve: (m) => m.model?.intercept ?? null }),
    coefficients: t.field({
      type: [Coefficient],
      description: 'Empty until a model is trained.',
      resolve: (m) =>
        m.model?.features.map((feature, j) => ({
          feature,
          coefficient: m.model!.coefficients[j]!,
          mean: m.model!.means[j]!,
          standardDeviation: m.model!.standardDeviations[j]!,
        })) ?? [],
    }),
  }),
});

builder.objectFields(CustomerRef, (t) => ({
  churnRisk: t.field({
    type: ChurnRiskRef,
    nullable: true,
    description: 'The current churn estimate.',
    resolve: (c, _a, ctx) => (c.churnRiskId ? ctx.loaders.churnPrediction.load(c.churnRiskId) : null),
  }),
}));

builder.queryField('churnModel', (t) => t.field({ type: ChurnModelRef, authScopes: readScopes, resolve: (_r, _a, ctx) => ctx.services.churn.modelOf(ctx.identity) }));

builder.mutationField('retrainChurnModel', (t) =>
  t.field({
    type: ChurnModelRef,
    authScopes: writeScopes,
    description: 'Retrains on the current history and re-estimates every active customer.',
    errors: {},
    resolve: (_r, _a, ctx) => ctx.services.churn.retrainFor(ctx.identity),
  }),
);
