/** HealthScoreChange: a `health_score.changed@1` event, pushed on `healthScoreChanged`. */

import { builder } from '../builder.js';
import type { HealthBand } from '../domain/index.js';
import { CustomerRef } from './customer.js';
import { HealthBandEnum, HealthTrendEnum } from './enums.js';
import { HealthScoreRef } from './health-score.js';
import { type LiveEvent, subscribeTo } from './live.js';
import { readScopes } from './scopes.js';

type Change = LiveEvent<'health_score.changed@1'>;

const FactorScores = builder.objectRef<Change['payload']['factors']>('HealthFactorScores').implement({
  description: 'Factor scores 0–100 (null: no evidence).',
  fields: (t) => ({
    usage: t.exposeFloat('usage', { nullable: true }),
    engagement: t.exposeFloat('engagement', { nullable: true }),
    support: t.exposeFloat('support', { nullable: true }),
    financial: t.exposeFloat('financial', { nullable: true }),
  }),
});

const HealthScoreChange = builder.objectRef<Change>('HealthScoreChange').implement({
  fields: (t) => ({
    customerId: t.id({ resolve: (c) => c.payload.customerId }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.customer.load(c.payload.customerId) }),
    score: t.int({ resolve: (c) => c.payload.score }),
    band: t.field({ type: HealthBandEnum, resolve: (c) => c.payload.band }),
    previousScore: t.int({ nullable: true, resolve: (c) => c.payload.previousScore }),
    previousBand: t.field({ type: HealthBandEnum, nullable: true, resolve: (c) => c.payload.previousBand }),
    trend: t.field({ type: HealthTrendEnum, resolve: (c) => c.payload.trend }),
    factors: t.field({ type: FactorScores, resolve: (c) => c.payload.factors }),
    cause: t.string({ resolve: (c) => c.payload.cause }),
    computedAt: t.field({ type: 'DateTime', resolve: (c) => new Date(c.payload.computedAt) }),
    healthScore: t.field({
      type: HealthScoreRef,
      nullable: true,
      description: 'The full computation: factors with explanations, risk factors, recommendations.',
      resolve: (c, _a, ctx) => ctx.loaders.healthScore.load(c.payload.healthScoreId),
    }),
  }),
});

builder.subscriptionField('healthScoreChanged', (t) =>
  t.field({
    type: HealthScoreChange,
    authScopes: readScopes,
    description: 'Every change of a health score in the tenant, or of one customer’s; optionally only changes into `band`.',
    args: { customerId: t.arg.id(), band: t.arg({ type: HealthBandEnum }) },
    subscribe: (_r, { customerId, band }, ctx) => subscribeTo(ctx, 'health_score.changed@1', customerId, (p) => !band || p.band === (band as HealthBand)),
    resolve: (change) => change,
  }),
);
