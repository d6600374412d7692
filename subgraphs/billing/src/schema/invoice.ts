/** Invoices, their lines and payments, the PDF, the billing run and the manual invoice mutations. */
import { ConflictError, connectionCost, InvalidStateError, listCost, NotFoundError } from '@platform/core';
import type { billingTables as b } from '@platform/db';
import { builder } from '../builder.js';
import type { BillingRunResult } from '../services/billing-run.service.js';
import type { InvoicePdf } from '../services/invoice.service.js';
import type { InvoiceLineRow, InvoiceRow } from '../services/invoice-writer.js';
import { CustomerRef } from './customer.js';
import { BillingReasonEnum, InvoiceLineKindEnum, InvoiceStatusEnum, PaymentStatusEnum } from './enums.js';
import { connection } from './page-info.js';
import { MinorAmount } from './scalars.js';
import { readScopes, settingsScopes, writeScopes } from './scopes.js';
import { BillingSubscriptionRef } from './subscription.js';

type PaymentRow = typeof b.payments.$inferSelect;

const InvoiceLineRef = builder.objectRef<InvoiceLineRow>('InvoiceLine').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: InvoiceLineKindEnum, resolve: (l) => l.kind as 'USAGE' }),
    description: t.exposeString('description'),
    priceId: t.exposeID('priceId', { nullable: true }),
    quantity: t.exposeFloat('quantity', { nullable: true }),
    unitAmount: t.field({ type: MinorAmount, nullable: true, resolve: (l) => l.unitAmountMinor }),
    amount: t.field({ type: MinorAmount, description: 'Negative for credits.', resolve: (l) => l.amountMinor }),
    periodStart: t.expose('periodStart', { type: 'DateTime', nullable: true }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', nullable: true }),
  }),
});

const PaymentRef = builder.objectRef<PaymentRow>('Payment').implement({
  description: 'A charge attempt at the payment provider.',
  fields: (t) => ({
    id: t.exposeID('id'),
    provider: t.exposeString('provider'),
    providerPaymentId: t.exposeString('providerPaymentId'),
    attempt: t.exposeInt('attempt'),
    status: t.field({ type: PaymentStatusEnum, resolve: (p) => p.status as 'PENDING' }),
    amount: t.field({ type: MinorAmount, resolve: (p) => p.amountMinor }),
    currency: t.exposeString('currency'),
    failureCode: t.exposeString('failureCode', { nullable: true }),
    failureMessage: t.exposeString('failureMessage', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    settledAt: t.expose('settledAt', { type: 'DateTime', nullable: true }),
  }),
});

const InvoicePdfRef = builder.objectRef<InvoicePdf>('InvoicePdf').implement({
  description: 'The invoice rendered as PDF, base64-encoded.',
  fields: (t) => ({
    filename: t.exposeString('filename'),
    contentType: t.exposeString('contentType'),
    byteLength: t.exposeInt('byteLength'),
    base64: t.exposeString('base64'),
  }),
});

export const InvoiceRef = builder.objectRef<InvoiceRow>('Invoice').implement({
  description: 'Lines always reconcile: the non-tax lines add up to `subtotal`, and subtotal + tax = total.',
  fields: (t) => ({
    id: t.exposeID('id'),
    number: t.exposeString('number', { nullable: true, description: 'Sequential per tenant, assigned when finalised; null while a draft.' }),
    status: t.field({ type: InvoiceStatusEnum, resolve: (i) => i.status as 'OPEN' }),
    billingReason: t.field({ type: BillingReasonEnum, resolve: (i) => i.billingReason as 'SUBSCRIPTION_CYCLE' }),
    customer: t.field({ type: CustomerRef, resolve: (i) => ({ id: i.customerId }) }),
    subscription: t.field({ type: BillingSubscriptionRef, nullable: true, resolve: (i, _a, ctx) => (i.subscriptionId ? ctx.loaders.subscription.load(i.subscriptionId) : null) }),
    currency: t.exposeString('currency'),
    periodStart: t.expose('periodStart', { type: 'DateTime', nullable: true }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', nullable: true }),
    // A line per subscription item, plus proration and usage lines.
    lines: t.field({ type: [InvoiceLineRef], directives: listCost(5), resolve: (i, _a, ctx) => ctx.loaders.linesByInvoice.load(i.id) }),
    subtotal: t.field({ type: MinorAmount, resolve: (i) => i.subtotalMinor }),
    taxRateBps: t.exposeInt('taxRateBps', { description: 'Tax rate in basis points (2000 = 20 %).' }),
    tax: t.field({ type: MinorAmount, resolve: (i) => i.taxMinor }),
    total: t.field({ type: MinorAmount, resolve: (i) => i.totalMinor }),
    amountPaid: t.field({ type: MinorAmount, resolve: (i) => i.amountPaidMinor }),
    amountDue: t.field({ type: MinorAmount, resolve: (i) => i.amountDueMinor }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    finalizedAt: t.expose('finalizedAt', { type: 'DateTime', nullable: true }),
    paidAt: t.expose('paidAt', { type: 'DateTime', nullable: true }),
    voidedAt: t.expose('voidedAt', { type: 'DateTime', nullable: true }),
    attemptCount: t.exposeInt('attemptCount'),
    nextPaymentAttemptAt: t.expose('nextPaymentAttemptAt', { type: 'DateTime', nullable: true, description: 'When the dunning schedule charges again.' }),
    payments: t.field({ type: [PaymentRef], resolve: (i, _a, ctx) => ctx.loaders.paymentsByInvoice.load(i.id) }),
    pdf: t.field({ type: InvoicePdfRef, description: 'Rendered on request (pdfkit).', resolve: (i, _a, ctx) => ctx.services.invoices.pdf(ctx.identity, i.id) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const InvoiceConnection = connection('InvoiceConnection', InvoiceRef);

builder.objectField(CustomerRef, 'invoices', (t) =>
  t.field({
    type: InvoiceConnection,
    directives: connectionCost(),
    // Nullable: if billing is down, only this field is null, not the customer (docs/decisions.md).
    nullable: true,
    authScopes: readScopes,
    description: 'The customer’s invoices, newest first.',
    args: { status: t.arg({ type: InvoiceStatusEnum }), first: t.arg.int(), after: t.arg.string() },
    resolve: (c, { status, first, after }, ctx) => ctx.loaders.invoicesByCustomer.load(c.id, { status, first, after }),
  }),
);

builder.queryFields((t) => ({
  invoice: t.field({
    type: InvoiceRef,
    nullable: true,
    authScopes: readScopes,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.loaders.invoice.load(id),
  }),
  invoices: t.field({
    type: InvoiceConnection,
    directives: connectionCost(),
    authScopes: readScopes,
    description: 'The tenant’s invoices, newest first.',
    args: { status: t.arg({ type: InvoiceStatusEnum }), customerId: t.arg.id(), subscriptionId: t.arg.id(), first: t.arg.int(), after: t.arg.string() },
    resolve: (_r, { first, after, ...filter }, ctx) => ctx.services.invoices.list(ctx.identity, filter, { first, after }),
  }),
}));

const BillingRunResultRef = builder.objectRef<BillingRunResult>('BillingRunResult').implement({
  fields: (t) => ({
    asOf: t.expose('asOf', { type: 'DateTime' }),
    periodsClosed: t.exposeInt('periodsClosed'),
    invoicesCreated: t.exposeInt('invoicesCreated'),
    trialsEnded: t.exposeInt('trialsEnded'),
    canceledAtPeriodEnd: t.exposeInt('canceledAtPeriodEnd'),
    paymentRetries: t.exposeInt('paymentRetries'),
    incompleteExpired: t.exposeInt('incompleteExpired'),
  }),
});

builder.mutationFields((t) => ({
  runBilling: t.field({
    type: BillingRunResultRef,
    authScopes: settingsScopes,
    errors: { types: [ConflictError] },
    description:
      'Closes every period that has ended (by `asOf`, default now) and invoices it, ends trials, applies scheduled cancellations and charges due payment retries. Safe to repeat: a period is invoiced once.',
    args: { asOf: t.arg({ type: 'DateTime' }), idempotencyKey: t.arg.string() },
    resolve: (_r, args, ctx) => ctx.services.billingRun.run(ctx.identity, args),
  }),
  finalizeInvoice: t.field({
    type: InvoiceRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError, ConflictError] },
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string() },
    resolve: (_r, { id, idempotencyKey }, ctx) => ctx.services.invoices.finalize(ctx.identity, id, idempotencyKey),
  }),
  voidInvoice: t.field({
    type: InvoiceRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.invoices.void(ctx.identity, id),
  }),
  markInvoiceUncollectible: t.field({
    type: InvoiceRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.invoices.markUncollectible(ctx.identity, id),
  }),
  payInvoiceOutOfBand: t.field({
    type: InvoiceRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError, ConflictError] },
    description: 'Records that the invoice was paid outside the payment provider (bank transfer, cheque).',
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string() },
    resolve: (_r, { id, idempotencyKey }, ctx) => ctx.services.payments.payInvoiceOutOfBand(ctx.identity, id, idempotencyKey),
  }),
}));
