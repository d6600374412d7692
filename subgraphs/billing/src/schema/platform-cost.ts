/**
 * PlatformCost: what running the platform costs the current tenant, its monthly
 * budget and the alerts raised when spend crosses the budget's thresholds; also
 * `Tenant.platformCosts` on tenancy's entity. Method: docs/billing-methods.md,
 * "Platform costs and budgets".
 *
 * Permissions: reading needs `data:read` (costs are business data of the
 * tenant, like its invoices); recording a cost and setting the budget need
 * `settings:manage`, since both change what raises budget alerts for everyone.
 */
import { ConflictError } from '@platform/core';
import { builder } from '../builder.js';
import { COST_CATEGORIES, type CostCategory } from '../domain/cost-budget.js';
import type { CostAlert, CostBudgetRow, CostSummary, PlatformCostRow } from '../services/cost.service.js';
import { MinorAmount } from './scalars.js';
import { readScopes, settingsScopes } from './scopes.js';
import { TenantRef } from './tenant.js';

const PlatformCostCategoryEnum = builder.enumType('PlatformCostCategory', { values: COST_CATEGORIES });

const PlatformCostRef = builder.objectRef<PlatformCostRow>('PlatformCost').implement({
  description: 'One cost of running the platform for the tenant.',
  fields: (t) => ({
    id: t.exposeID('id'),
    category: t.field({ type: PlatformCostCategoryEnum, resolve: (c) => c.category as CostCategory }),
    description: t.exposeString('description', { nullable: true }),
    amountMinor: t.expose('amountMinor', { type: MinorAmount }),
    currency: t.exposeString('currency'),
    incurredAt: t.expose('incurredAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const PlatformCostBudgetRef = builder.objectRef<CostBudgetRow>('PlatformCostBudget').implement({
  description: 'The tenant’s monthly budget for platform costs.',
  fields: (t) => ({
    monthlyAmountMinor: t.expose('monthlyAmountMinor', { type: MinorAmount }),
    currency: t.exposeString('currency', { description: 'Every cost must be recorded in this currency while the budget exists.' }),
    thresholdsPct: t.exposeIntList('thresholdsPct', { description: 'Percentages of the budget that raise an alert, once per month each.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PlatformCostAlertRef = builder.objectRef<CostAlert>('PlatformCostAlert').implement({
  description: 'Raised once per month and threshold, when the month’s spend first reached it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    month: t.exposeString('month', { description: 'YYYY-MM (UTC).' }),
    thresholdPct: t.exposeInt('thresholdPct'),
    spendMinor: t.expose('spendMinor', { type: MinorAmount, description: 'The month’s spend when the alert was raised.' }),
    budgetMinor: t.expose('budgetMinor', { type: MinorAmount }),
    currency: t.exposeString('currency'),
    raisedAt: t.expose('raisedAt', { type: 'DateTime' }),
  }),
});

const CategoryAmountRef = builder.objectRef<CostSummary['byCategory'][number]>('PlatformCostCategoryAmount').implement({
  fields: (t) => ({
    category: t.field({ type: PlatformCostCategoryEnum, resolve: (c) => c.category }),
    amountMinor: t.expose('amountMinor', { type: MinorAmount }),
  }),
});

const CurrencyAmountRef = builder.objectRef<CostSummary['otherCurrencies'][number]>('PlatformCostCurrencyAmount').implement({
  fields: (t) => ({
    currency: t.exposeString('currency'),
    amountMinor: t.expose('amountMinor', { type: MinorAmount }),
  }),
});

const PlatformCostSummaryRef = builder.objectRef<CostSummary>('PlatformCostSummary').implement({
  description: 'A UTC month of platform costs against the budget.',
  fields: (t) => ({
    month: t.exposeString('month', { description: 'YYYY-MM.' }),
    currency: t.exposeString('currency', { description: 'The budget’s currency, else the tenant’s default currency.' }),
    spendMinor: t.expose('spendMinor', { type: MinorAmount, description: 'Costs of the month in `currency`.' }),
    budget: t.field({ type: PlatformCostBudgetRef, nullable: true, resolve: (s) => s.budget }),
    budgetMinor: t.expose('budgetMinor', { type: MinorAmount, nullable: true }),
    percentUsed: t.exposeFloat('percentUsed', { nullable: true, description: 'spend ÷ budget × 100, two decimals; null without a budget.' }),
    forecastMinor: t.expose('forecastMinor', {
      type: MinorAmount,
      description: 'Linear run-rate: spend so far ÷ elapsed share of the month (at least one day); a past month forecasts its actual spend.',
    }),
    byCategory: t.field({ type: [CategoryAmountRef], description: 'Largest first; categories without costs left out.', resolve: (s) => s.byCategory }),
    otherCurrencies: t.field({
      type: [CurrencyAmountRef],
      description: 'Costs of the month in other currencies (recorded before a budget fixed the currency); not part of spendMinor.',
      resolve: (s) => s.otherCurrencies,
    }),
    alerts: t.field({ type: [PlatformCostAlertRef], description: 'Alerts raised for the month, by threshold.', resolve: (s) => s.alerts }),
  }),
});

const RecordPlatformCostPayloadRef = builder.objectRef<{ cost: PlatformCostRow; raisedAlerts: CostAlert[] }>('RecordPlatformCostPayload').implement({
  fields: (t) => ({
    cost: t.field({ type: PlatformCostRef, resolve: (p) => p.cost }),
    raisedAlerts: t.field({ type: [PlatformCostAlertRef], description: 'Alerts this cost raised (none on an idempotent replay).', resolve: (p) => p.raisedAlerts }),
  }),
});

const SetPlatformCostBudgetPayloadRef = builder.objectRef<{ budget: CostBudgetRow; raisedAlerts: CostAlert[] }>('SetPlatformCostBudgetPayload').implement({
  fields: (t) => ({
    budget: t.field({ type: PlatformCostBudgetRef, resolve: (p) => p.budget }),
    raisedAlerts: t.field({ type: [PlatformCostAlertRef], description: 'Thresholds of the current month the new budget is already past.', resolve: (p) => p.raisedAlerts }),
  }),
});

const RecordPlatformCostInput = builder.inputType('RecordPlatformCostInput', {
  fields: (t) => ({
    category: t.field({ type: PlatformCostCategoryEnum, required: true }),
    amountMinor: t.field({ type: MinorAmount, required: true, description: 'Whole minor units, 0 or more.' }),
    currency: t.string({ required: true, description: 'ISO 4217; must be the budget’s currency when there is a budget.' }),
    incurredAt: t.field({ type: 'DateTime', description: 'Default now; at most 5 minutes ahead and 400 days back.' }),
    description: t.string({ description: 'At most 500 characters.' }),
    idempotencyKey: t.string({ description: 'A retry with the same key and input returns the first cost instead of recording it twice.' }),
  }),
});

const SetPlatformCostBudgetInput = builder.inputType('SetPlatformCostBudgetInput', {
  fields: (t) => ({
    monthlyAmountMinor: t.field({ type: MinorAmount, required: true, description: 'Above 0.' }),
    currency: t.string({ required: true }),
    thresholdsPct: t.intList({ description: 'Whole percentages 1–1000, strictly increasing, at most 10; default [50, 80, 100].' }),
  }),
});

builder.objectFields(TenantRef, (t) => ({
  platformCosts: t.field({
    type: PlatformCostSummaryRef,
    // Nullable so that a tenant other than the caller's resolves to null with a
    // FORBIDDEN error on this field only, instead of nulling the whole Tenant.
    nullable: true,
    authScopes: readScopes,
    description: 'The month’s platform costs (YYYY-MM, default the current month). Only for the caller’s own tenant: another tenant gives null and a FORBIDDEN error.',
    args: { month: t.arg.string() },
    resolve: (tenant, { month }, ctx) => ctx.services.costs.summary(ctx.identity, month, tenant.id),
  }),
}));

builder.queryFields((t) => ({
  platformCosts: t.field({
    type: PlatformCostSummaryRef,
    authScopes: readScopes,
    description: 'The current tenant’s platform costs of a month (YYYY-MM, default the current UTC month).',
    args: { month: t.arg.string() },
    resolve: (_r, { month }, ctx) => ctx.services.costs.summary(ctx.identity, month),
  }),
}));

builder.mutationFields((t) => ({
  recordPlatformCost: t.field({
    type: RecordPlatformCostPayloadRef,
    authScopes: settingsScopes,
    description: 'Records a cost and raises each budget threshold the month’s spend newly crossed (once per month).',
    errors: { types: [ConflictError] },
    args: { input: t.arg({ type: RecordPlatformCostInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.costs.record(ctx.identity, input),
  }),
  setPlatformCostBudget: t.field({
    type: SetPlatformCostBudgetPayloadRef,
    authScopes: settingsScopes,
    description: 'Creates or replaces the monthly budget and raises the current month’s thresholds it is already past.',
    errors: {},
    args: { input: t.arg({ type: SetPlatformCostBudgetInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.costs.setBudget(ctx.identity, input),
  }),
}));
