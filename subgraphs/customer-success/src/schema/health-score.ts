/**
 * HealthScore: one computation of a customer's health (the current one, or a
 * history entry), with its factors, risk factors and recommendations; and the
 * tenant's health settings (factor weights, automatic playbook on red).
 */

import { connectionCost, type Page } from '@platform/core';
import { builder } from '../builder.js';
import type { FactorResult, HealthBand, HealthTrend, HealthWeights, Recommendation, RiskFactor } from '../domain/index.js';
import type { HealthScoreRow, HealthSettings } from '../services/health.service.js';
import { CustomerRef } from './customer.js';
import { HealthBandEnum, HealthFactorEnum, HealthTrendEnum, PlaybookCategoryEnum, SeverityEnum } from './enums.js';
import { connection } from './page-info.js';
import { readScopes, settingsScopes } from './scopes.js';

const HealthFactor = builder.objectRef<FactorResult>('HealthFactor').implement({
  fields: (t) => ({
    name: t.field({ type: HealthFactorEnum, resolve: (f) => f.name }),
    score: t.exposeFloat('score', { nullable: true, description: '0–100 with one decimal; null when there is no evidence for this factor.' }),
    weight: t.exposeInt('weight', { description: 'The configured weight, in percent.' }),
    effectiveWeight: t.exposeFloat('effectiveWeight', { description: 'The weight applied: factors without data hand theirs to the others in proportion.' }),
    explanation: t.exposeString('explanation'),
  }),
});

const RiskFactorRef = builder.objectRef<RiskFactor>('RiskFactor').implement({
  fields: (t) => ({
    code: t.exposeString('code'),
    severity: t.field({ type: SeverityEnum, resolve: (r) => r.severity }),
    message: t.exposeString('message'),
  }),
});

const RecommendationRef = builder.objectRef<Recommendation>('Recommendation').implement({
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
    playbookCategory: t.field({ type: PlaybookCategoryEnum, nullable: true, description: 'The playbook that fits, if any.', resolve: (r) => r.playbookCategory }),
  }),
});

export const HealthWeightsRef = builder.objectRef<HealthWeights>('HealthWeights').implement({
  description: 'Factor weights in percent; they add up to 100.',
  fields: (t) => ({
    usage: t.exposeInt('usage'),
    engagement: t.exposeInt('engagement'),
    support: t.exposeInt('support'),
    financial: t.exposeInt('financial'),
  }),
});

export const HealthScoreRef = builder.objectRef<HealthScoreRow>('HealthScore').implement({
  description: 'One computation of a customer’s health score (method: docs/customer-success-methods.md).',
  fields: (t) => ({
    id: t.exposeID('id'),
    score: t.exposeInt('score', { description: '0–100.' }),
    band: t.field({ type: HealthBandEnum, resolve: (h) => h.band as HealthBand }),
    trend: t.field({ type: HealthTrendEnum, resolve: (h) => h.trend as HealthTrend }),
    previousScore: t.exposeInt('previousScore', { nullable: true }),
    previousBand: t.field({ type: HealthBandEnum, nullable: true, resolve: (h) => h.previousBand as HealthBand | null }),
    factors: t.field({ type: [HealthFactor], resolve: (h) => h.factors as FactorResult[] }),
    riskFactors: t.field({ type: [RiskFactorRef], resolve: (h) => h.riskFactors as RiskFactor[] }),
    recommendations: t.field({ type: [RecommendationRef], resolve: (h) => h.recommendations as Recommendation[] }),
    weights: t.field({ type: HealthWeightsRef, description: 'The weights this score was computed with.', resolve: (h) => h.weights as HealthWeights }),
    cause: t.exposeString('cause', { description: 'The event type or mutation whose input change caused the recomputation.' }),
    computedAt: t.expose('computedAt', { type: 'DateTime' }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (h, _a, ctx) => ctx.loaders.customer.load(h.customerId) }),
  }),
});

const HealthScoreConnection = connection('HealthScoreConnection', HealthScoreRef);

export const HealthSettingsRef = builder.objectRef<HealthSettings>('HealthSettings').implement({
  fields: (t) => ({
    weights: t.field({ type: HealthWeightsRef, resolve: (s) => s.weights }),
    isDefault: t.exposeBoolean('isDefault', { description: 'True while the platform defaults (35/25/20/20) apply.' }),
    autoTriggerPlaybookOnRed: t.exposeBoolean('autoTriggerPlaybookOnRed', {
      description: 'Start the churn-prevention playbook when a customer’s health enters the red band.',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.objectFields(CustomerRef, (t) => ({
  healthScore: t.field({
    type: HealthScoreRef,
    nullable: true,
    description: 'The current score; null until there is data to score.',
    resolve: (c, _a, ctx) => (c.healthScoreId ? ctx.loaders.healthScore.load(c.healthScoreId) : null),
  }),
  healthBand: t.field({ type: HealthBandEnum, nullable: true, resolve: (c) => c.healthBand as HealthBand | null }),
  healthHistory: t.field({
    type: HealthScoreConnection,
    directives: connectionCost(),
    description: 'Every change of the score, newest first.',
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (c, args, ctx): Promise<Page<HealthScoreRow>> => {
      const page = await ctx.loaders.healthHistory.load(c.id, args);
      for (const h of page.nodes) ctx.loaders.healthScore.prime(h.id, h);
      return page;
    },
  }),
}));

const HealthWeightsInput = builder.inputType('HealthWeightsInput', {
  description: 'Whole percentages from 0 to 100 that add up to 100.',
  fields: (t) => ({
    usage: t.int({ required: true }),
    engagement: t.int({ required: true }),
    support: t.int({ required: true }),
    financial: t.int({ required: true }),
  }),
});

builder.queryFields((t) => ({
  healthWeights: t.field({
    type: HealthWeightsRef,
    authScopes: readScopes,
    description: 'The factor weights in force for the current tenant.',
    resolve: async (_r, _a, ctx) => (await ctx.services.health.settings(ctx.identity)).weights,
  }),
  healthSettings: t.field({ type: HealthSettingsRef, authScopes: readScopes, resolve: (_r, _a, ctx) => ctx.services.health.settings(ctx.identity) }),
}));

builder.mutationFields((t) => ({
  updateHealthWeights: t.field({
    type: HealthSettingsRef,
    authScopes: settingsScopes,
    description: 'Sets the tenant’s factor weights and recomputes every active customer’s score with them.',
    errors: {},
    args: { weights: t.arg({ type: HealthWeightsInput, required: true }) },
    resolve: (_r, { weights }, ctx) => ctx.services.health.updateWeights(ctx.identity, weights),
  }),
  setPlaybookAutoTrigger: t.field({
    type: HealthSettingsRef,
    authScopes: settingsScopes,
    errors: {},
    args: { enabled: t.arg.boolean({ required: true }) },
    resolve: (_r, { enabled }, ctx) => ctx.services.health.setAutoTrigger(ctx.identity, enabled),
  }),
}));
