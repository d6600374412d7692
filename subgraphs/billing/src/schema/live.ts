/**
 * Live billing changes over subscriptions, from the platform's fan-out of
 * committed outbox events. The filter checks the tenant first, so another
 * tenant's events never reach the rest of it.
 */
import { ForbiddenError, mapAsyncIterator } from '@platform/core';
import type { EventPayload } from '@platform/core/events/catalog';
import { builder } from '../builder.js';
import type { BillingContext } from '../context.js';
import { EVENT_SOURCE } from '../events/emit.js';
import { CustomerRef } from './customer.js';
import { InvoiceStatusEnum, SubscriptionStatusEnum } from './enums.js';
import { InvoiceRef } from './invoice.js';
import { MinorAmount } from './scalars.js';
import { readScopes } from './scopes.js';
import { BillingSubscriptionRef } from './subscription.js';

type Live = 'invoice.status_changed@1' | 'subscription.status_changed@1';

function subscribeTo<T extends Live>(ctx: BillingContext, type: T, customerId: string | null | undefined): AsyncIterable<EventPayload<T>> {
  const tenantId = ctx.identity.tenantId;
  if (!tenantId) throw new ForbiddenError('A tenant is required');
  const events = ctx.services.deps.live.subscribe(EVENT_SOURCE, (event) => {
    if (event.tenantId !== tenantId || event.type !== type) return false;
    return !customerId || (event.payload as { customerId: string }).customerId === customerId;
  });
  return mapAsyncIterator(events, (event) => event.payload as EventPayload<T>);
}

type InvoiceChange = EventPayload<'invoice.status_changed@1'>;
const InvoiceStatusChange = builder.objectRef<InvoiceChange>('InvoiceStatusChange').implement({
  fields: (t) => ({
    invoiceId: t.exposeID('invoiceId'),
    invoice: t.field({ type: InvoiceRef, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.invoice.load(c.invoiceId) }),
    customer: t.field({ type: CustomerRef, resolve: (c) => ({ id: c.customerId }) }),
    number: t.exposeString('number', { nullable: true }),
    from: t.field({ type: InvoiceStatusEnum, nullable: true, resolve: (c) => c.from }),
    to: t.field({ type: InvoiceStatusEnum, resolve: (c) => c.to }),
    total: t.field({ type: MinorAmount, resolve: (c) => c.totalMinor }),
    amountDue: t.field({ type: MinorAmount, resolve: (c) => c.amountDueMinor }),
    currency: t.exposeString('currency'),
    occurredAt: t.field({ type: 'DateTime', resolve: (c) => new Date(c.occurredAt) }),
  }),
});

type SubscriptionChange = EventPayload<'subscription.status_changed@1'>;
const SubscriptionStatusChange = builder.objectRef<SubscriptionChange>('SubscriptionStatusChange').implement({
  fields: (t) => ({
    subscriptionId: t.exposeID('subscriptionId'),
    subscription: t.field({ type: BillingSubscriptionRef, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.subscription.load(c.subscriptionId) }),
    customer: t.field({ type: CustomerRef, resolve: (c) => ({ id: c.customerId }) }),
    from: t.field({ type: SubscriptionStatusEnum, nullable: true, resolve: (c) => c.from }),
    to: t.field({ type: SubscriptionStatusEnum, resolve: (c) => c.to }),
    reason: t.exposeString('reason'),
    mrr: t.field({ type: MinorAmount, resolve: (c) => c.mrrMinor }),
    currency: t.exposeString('currency'),
    occurredAt: t.field({ type: 'DateTime', resolve: (c) => new Date(c.occurredAt) }),
  }),
});

builder.subscriptionFields((t) => ({
  invoiceStatusChanged: t.field({
    type: InvoiceStatusChange,
    authScopes: readScopes,
    description: 'Every invoice status change in the tenant (created as DRAFT, finalised, paid, voided…), or of one customer’s invoices.',
    args: { customerId: t.arg.id() },
    subscribe: (_r, { customerId }, ctx) => subscribeTo(ctx, 'invoice.status_changed@1', customerId),
    resolve: (change) => change,
  }),
  subscriptionStatusChanged: t.field({
    type: SubscriptionStatusChange,
    authScopes: readScopes,
    description: 'Every subscription status change in the tenant, or of one customer’s subscriptions.',
    args: { customerId: t.arg.id() },
    subscribe: (_r, { customerId }, ctx) => subscribeTo(ctx, 'subscription.status_changed@1', customerId),
    resolve: (change) => change,
  }),
}));
