/** Subscriptions, their items, current-period usage and the mutations that move them. */
import { ConflictError, InvalidStateError, listCost, NotFoundError } from '@platform/core';
import { builder } from '../builder.js';
import type { ItemWithPrice, SubscriptionRow } from '../services/subscription-state.js';
import type { MeterUsage } from '../services/usage.service.js';
import { PriceRef } from './catalog.js';
import { CustomerRef } from './customer.js';
import { BillingIntervalEnum, MeterAggregationEnum, PaymentBehaviorEnum, ProrationBehaviorEnum, SubscriptionStatusEnum } from './enums.js';
import { MinorAmount } from './scalars.js';
import { readScopes, writeScopes } from './scopes.js';

const SubscriptionItemRef = builder.objectRef<ItemWithPrice>('SubscriptionItem').implement({
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.item.id }),
    price: t.field({ type: PriceRef, resolve: (e) => e.price }),
    quantity: t.int({ description: 'Seats or units (1 for metered prices: usage sets their quantity).', resolve: (e) => e.item.quantity }),
    createdAt: t.field({ type: 'DateTime', resolve: (e) => e.item.createdAt }),
  }),
});

const MeterUsageRef = builder.objectRef<MeterUsage>('MeterUsage').implement({
  description: "A metered item's usage in the current period so far, aggregated as the invoice will aggregate it.",
  fields: (t) => ({
    meterEventName: t.exposeString('meterEventName'),
    aggregation: t.field({ type: MeterAggregationEnum, resolve: (u) => u.aggregation }),
    subscriptionItemId: t.exposeID('subscriptionItemId'),
    description: t.exposeString('description'),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime' }),
    quantity: t.exposeFloat('quantity'),
    amount: t.field({ type: MinorAmount, description: 'What this usage costs if the period closed now.', resolve: (u) => u.amountMinor }),
    currency: t.exposeString('currency'),
  }),
});

export const BillingSubscriptionRef = builder.objectRef<SubscriptionRow>('BillingSubscription').implement({
  description: 'A customer’s subscription to one or more prices (all in one currency and interval).',
  fields: (t) => ({
    id: t.exposeID('id'),
    customer: t.field({ type: CustomerRef, resolve: (s) => ({ id: s.customerId }) }),
    status: t.field({ type: SubscriptionStatusEnum, resolve: (s) => s.status as 'ACTIVE' }),
    currency: t.exposeString('currency'),
    interval: t.field({ type: BillingIntervalEnum, resolve: (s) => s.interval as 'MONTH' }),
    intervalCount: t.exposeInt('intervalCount'),
    // A base price and an add-on or a metered price (at most 20).
    items: t.field({ type: [SubscriptionItemRef], directives: listCost(2), resolve: (s, _a, ctx) => ctx.loaders.itemsBySubscription.load(s.id) }),
    currentPeriodStart: t.expose('currentPeriodStart', { type: 'DateTime' }),
    currentPeriodEnd: t.expose('currentPeriodEnd', { type: 'DateTime' }),
    billingCycleAnchor: t.expose('billingCycleAnchor', { type: 'DateTime' }),
    trialStart: t.expose('trialStart', { type: 'DateTime', nullable: true }),
    trialEnd: t.expose('trialEnd', { type: 'DateTime', nullable: true }),
    cancelAtPeriodEnd: t.exposeBoolean('cancelAtPeriodEnd'),
    canceledAt: t.expose('canceledAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    pausedAt: t.expose('pausedAt', { type: 'DateTime', nullable: true }),
    mrr: t.field({ type: MinorAmount, description: 'Monthly recurring revenue now (licensed prices, normalised to a month; 0 unless ACTIVE or PAST_DUE).', resolve: (s) => s.mrrMinor }),
    pendingAmount: t.field({
      type: MinorAmount,
      description: 'Prorations and credits waiting for the next invoice (negative: a credit).',
      resolve: async (s, _a, ctx) => (await ctx.loaders.pendingBySubscription.load(s.id)).reduce((sum, p) => sum + p.amountMinor, 0),
    }),
    currentUsage: t.field({
      type: [MeterUsageRef],
      description: 'Usage of the metered items in the current period so far, before it is invoiced.',
      resolve: (s, _a, ctx) => ctx.loaders.currentUsageBySubscription.load(s.id),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.objectField(CustomerRef, 'subscriptions', (t) =>
  t.field({
    type: [BillingSubscriptionRef],
    // One live subscription at a time; a replaced or cancelled one may sit beside it.
    directives: listCost(2),
    // Nullable like every field billing adds to another subgraph's entity: if billing is down, only this field is null, not the customer (docs/decisions.md).
    nullable: true,
    authScopes: readScopes,
    description: 'The customer’s subscriptions, newest first.',
    resolve: (c, _a, ctx) => ctx.loaders.subscriptionsByCustomer.load(c.id),
  }),
);
builder.objectField(CustomerRef, 'billingCurrency', (t) =>
  t.string({
    nullable: true,
    authScopes: readScopes,
    description: 'Fixed by the first subscription; every later subscription must use it.',
    resolve: async (c, _a, ctx) => (await ctx.loaders.customer.load(c.id))?.currency ?? null,
  }),
);

builder.queryField('subscription', (t) =>
  t.field({
    type: BillingSubscriptionRef,
    nullable: true,
    authScopes: readScopes,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.loaders.subscription.load(id),
  }),
);

const SubscriptionItemInput = builder.inputType('SubscriptionItemInput', {
  fields: (t) => ({ priceId: t.id({ required: true }), quantity: t.int({ description: 'Default 1; leave out for metered prices.' }) }),
});

const CreateSubscriptionInput = builder.inputType('CreateSubscriptionInput', {
  fields: (t) => ({
    customerId: t.id({ required: true }),
    items: t.field({ type: [SubscriptionItemInput], required: true }),
    trialDays: t.int({ description: "Overrides the prices' trial; 0 for none." }),
    paymentBehavior: t.field({ type: PaymentBehaviorEnum }),
    idempotencyKey: t.string({ description: 'The same key with the same input returns the first result (kept 24 hours).' }),
  }),
});

const ChangeSubscriptionInput = builder.inputType('ChangeSubscriptionInput', {
  fields: (t) => ({
    subscriptionId: t.id({ required: true }),
    items: t.field({ type: [SubscriptionItemInput], required: true, description: 'The complete new set of items.' }),
    prorationBehavior: t.field({ type: ProrationBehaviorEnum }),
    idempotencyKey: t.string(),
  }),
});

const CancelSubscriptionInput = builder.inputType('CancelSubscriptionInput', {
  fields: (t) => ({
    subscriptionId: t.id({ required: true }),
    atPeriodEnd: t.boolean({ required: true, description: 'true: runs until the period ends; false: ends now, with a final invoice for usage so far.' }),
    idempotencyKey: t.string(),
  }),
});

const errors = { types: [NotFoundError, InvalidStateError, ConflictError] };
builder.mutationFields((t) => ({
  createSubscription: t.field({
    type: BillingSubscriptionRef,
    authScopes: writeScopes,
    errors,
    args: { input: t.arg({ type: CreateSubscriptionInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.subscriptions.create(ctx.identity, input),
  }),
  changeSubscription: t.field({
    type: BillingSubscriptionRef,
    authScopes: writeScopes,
    errors,
    description: 'Changes prices or quantities; licensed items are prorated to the second.',
    args: { input: t.arg({ type: ChangeSubscriptionInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.subscriptions.change(ctx.identity, input),
  }),
  cancelSubscription: t.field({
    type: BillingSubscriptionRef,
    authScopes: writeScopes,
    errors,
    args: { input: t.arg({ type: CancelSubscriptionInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.subscriptions.cancel(ctx.identity, input),
  }),
  pauseSubscription: t.field({
    type: BillingSubscriptionRef,
    authScopes: writeScopes,
    errors,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.subscriptions.pause(ctx.identity, id),
  }),
  resumeSubscription: t.field({
    type: BillingSubscriptionRef,
    authScopes: writeScopes,
    errors,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.subscriptions.resume(ctx.identity, id),
  }),
}));
