/** ChurnRiskChange: a `churn_risk.changed@1` event, pushed on `churnRiskChanged`. */
import { builder } from '../builder.js';
import { ChurnRiskRef } from './churn-risk.js';
import { CustomerRef } from './customer.js';
import { ChurnMethodEnum, ChurnRiskLevelEnum } from './enums.js';
import { type LiveEvent, subscribeTo } from './live.js';
import { readScopes } from './scopes.js';

const ChurnRiskChange = builder.objectRef<LiveEvent<'churn_risk.changed@1'>>('ChurnRiskChange').implement({
  fields: (t) => ({
    customerId: t.id({ resolve: (c) => c.payload.customerId }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.customer.load(c.payload.customerId) }),
    probability: t.float({ resolve: (c) => c.payload.probability }),
    level: t.field({ type: ChurnRiskLevelEnum, resolve: (c) => c.payload.level }),
    previousLevel: t.field({ type: ChurnRiskLevelEnum, nullable: true, resolve: (c) => c.payload.previousLevel }),
    method: t.field({ type: ChurnMethodEnum, resolve: (c) => c.payload.method }),
    predictedChurnDate: t.field({ type: 'DateTime', nullable: true, resolve: (c) => (c.payload.predictedChurnDate ? new Date(c.payload.predictedChurnDate) : null) }),
    computedAt: t.field({ type: 'DateTime', resolve: (c) => new Date(c.payload.computedAt) }),
    churnRisk: t.field({ type: ChurnRiskRef, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.churnPrediction.load(c.payload.churnRiskId) }),
  }),
});

builder.subscriptionField('churnRiskChanged', (t) =>
  t.field({
    type: ChurnRiskChange,
    authScopes: readScopes,
    description: 'Every change of a churn estimate in the tenant, or of one customer’s.',
    args: { customerId: t.arg.id() },
    subscribe: (_r, { customerId }, ctx) => subscribeTo(ctx, 'churn_risk.changed@1', customerId),
    resolve: (change) => change,
  }),
);
