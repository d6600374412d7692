/**
 * Revenue metrics of the current tenant from the MRR ledger: a snapshot (MRR,
 * ARR, ARPU, paying customers) and the monthly report (MRR bridge, retention,
 * collected revenue, trend). Method: docs/billing-methods.md, "Revenue metrics".
 *
 * Read with `data:read`, like the rest of the tenant's business data; the
 * figures are aggregates of subscriptions and invoices a member can already see.
 */

import { listCost, VALUE_OBJECT_COST } from '@platform/core';
import { builder } from '../builder.js';
import type { MonthlyRevenue, RevenueTrend } from '../domain/revenue.js';
import { MAX_REPORT_MONTHS, type RevenueReport, type RevenueSnapshotResult } from '../services/revenue.service.js';
import { MinorAmount } from './scalars.js';
import { readScopes } from './scopes.js';

const RevenueTrendDirectionEnum = builder.enumType('RevenueTrendDirection', {
  description: 'Direction of the least-squares line through the months’ end MRR; FLAT below 0.5 % of the mean end MRR a month.',
  values: ['GROWING', 'SHRINKING', 'FLAT'] as const,
});

const RevenueSnapshotRef = builder.objectRef<RevenueSnapshotResult>('RevenueSnapshot').implement({
  description: 'Recurring revenue at one instant, from the MRR ledger.',
  fields: (t) => ({
    currency: t.exposeString('currency', { description: 'ISO 4217; only subscriptions in this currency count.' }),
    at: t.expose('at', { type: 'DateTime' }),
    mrrMinor: t.expose('mrrMinor', { type: MinorAmount, description: 'Monthly recurring revenue: every paying customer’s subscriptions normalised to a month.' }),
    arrMinor: t.expose('arrMinor', { type: MinorAmount, description: '12 × MRR.' }),
    arpuMinor: t.expose('arpuMinor', { type: MinorAmount, description: 'MRR ÷ paying customers, rounded half away from zero; 0 without customers.' }),
    payingCustomers: t.exposeInt('payingCustomers', { description: 'Customers whose MRR is above 0.' }),
  }),
});

const RevenueMonthRef = builder.objectRef<MonthlyRevenue>('RevenueMonth').implement({
  // A row of a report computed in one SQL statement: no work of its own.
  directives: VALUE_OBJECT_COST,
  description: 'One UTC calendar month: start + new + reactivation + expansion − contraction − churned = end MRR.',
  fields: (t) => ({
    month: t.exposeString('month', { description: 'YYYY-MM.' }),
    startMrrMinor: t.expose('startMrrMinor', { type: MinorAmount, description: 'MRR just before the month’s first instant.' }),
    newMrrMinor: t.expose('newMrrMinor', { type: MinorAmount, description: 'MRR of customers paying for the first time.' }),
    expansionMrrMinor: t.expose('expansionMrrMinor', { type: MinorAmount }),
    contractionMrrMinor: t.expose('contractionMrrMinor', { type: MinorAmount }),
    churnedMrrMinor: t.expose('churnedMrrMinor', { type: MinorAmount, description: 'MRR of customers who went to 0.' }),
    reactivationMrrMinor: t.expose('reactivationMrrMinor', { type: MinorAmount, description: 'MRR of customers who paid before, stopped and came back.' }),
    endMrrMinor: t.expose('endMrrMinor', { type: MinorAmount, description: 'MRR at the month’s last instant.' }),
    netNewMrrMinor: t.expose('netNewMrrMinor', { type: MinorAmount, description: 'end − start (may be negative).' }),
    payingCustomersEnd: t.exposeInt('payingCustomersEnd'),
    arpuMinor: t.expose('arpuMinor', { type: MinorAmount, description: 'End MRR ÷ paying customers at the end.' }),
    arrMinor: t.expose('arrMinor', { type: MinorAmount, description: '12 × end MRR.' }),
    netRevenueRetention: t.exposeFloat('netRevenueRetention', {
      nullable: true,
      description: 'Of the customers paying at the start: (start + expansion − contraction − churn) ÷ start, as a ratio (1.05 = 105 %). Null when no one paid at the start.',
    }),
    grossRevenueRetention: t.exposeFloat('grossRevenueRetention', {
      nullable: true,
      description: 'Like netRevenueRetention without expansion (at most 1).',
    }),
    growthRate: t.exposeFloat('growthRate', { nullable: true, description: 'end ÷ start − 1; null when the month started at 0.' }),
    collectedMinor: t.expose('collectedMinor', { type: MinorAmount, description: 'Amount paid on invoices paid this month (in this currency), metered charges included.' }),
  }),
});

const RevenueTrendRef = builder.objectRef<RevenueTrend>('RevenueTrend').implement({
  fields: (t) => ({
    slopeMinorPerMonth: t.expose('slopeMinorPerMonth', { type: MinorAmount, description: 'Least-squares slope of end MRR per month.' }),
    compoundMonthlyGrowthRate: t.exposeFloat('compoundMonthlyGrowthRate', {
      nullable: true,
      description: '(last ÷ first end MRR)^(1 ÷ (months − 1)) − 1; null for one month or a first month at 0.',
    }),
    direction: t.field({ type: RevenueTrendDirectionEnum, resolve: (trend) => trend.direction }),
  }),
});

const RevenueReportRef = builder.objectRef<RevenueReport>('RevenueReport').implement({
  fields: (t) => ({
    currency: t.exposeString('currency'),
    from: t.expose('from', { type: 'DateTime', description: 'Start of the first month (00:00 UTC on the 1st).' }),
    to: t.expose('to', { type: 'DateTime', description: 'Start of the month after the last (exclusive).' }),
    // At most MAX_REPORT_MONTHS.
    months: t.field({ type: [RevenueMonthRef], directives: listCost(MAX_REPORT_MONTHS), description: 'Oldest first.', resolve: (r) => r.months }),
    trend: t.field({ type: RevenueTrendRef, resolve: (r) => r.trend }),
  }),
});

builder.queryFields((t) => ({
  revenueMetrics: t.field({
    type: RevenueSnapshotRef,
    authScopes: readScopes,
    description: 'MRR, ARR, ARPU and paying customers of the current tenant at `at` (default now), in `currency` (default the tenant’s default currency).',
    args: { currency: t.arg.string(), at: t.arg({ type: 'DateTime' }) },
    resolve: (_r, { currency, at }, ctx) => ctx.services.revenue.snapshot(ctx.identity, currency, at),
  }),
  revenueReport: t.field({
    type: RevenueReportRef,
    authScopes: readScopes,
    description: 'The last `months` (1–36, default 12) UTC months up to the one containing `endMonth` (default now), in `currency` (default the tenant’s).',
    args: { currency: t.arg.string(), months: t.arg.int(), endMonth: t.arg({ type: 'DateTime' }) },
    resolve: (_r, args, ctx) => ctx.services.revenue.report(ctx.identity, args),
  }),
}));
