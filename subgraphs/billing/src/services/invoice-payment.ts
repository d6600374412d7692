/**
 * What a payment's outcome does to the invoice and its subscription. An
 * invoice gets paid, whoever collected the money: the payment provider (a
 * `payment_intent.succeeded` webhook) or the tenant, recording a bank transfer
 * or cheque received outside the provider. Both paths go through
 * `markInvoicePaid`, so an invoice is paid, announced (`invoice.paid@1`, which
 * customer-success reads for the health score's financial factor) and its
 * subscription recovered from dunning in one way only. A failed charge dunns
 * the subscription (`dunSubscription`).
 */
import { billingTables as b, type Tx } from '@platform/db';
import { and, eq, isNotNull, max, ne } from 'drizzle-orm';
import type { DunningFinalAction } from '../domain/dunning.js';
import type { SubscriptionStatus } from '../domain/lifecycle.js';
import { emit } from '../events/emit.js';
import { type InvoiceRow, transitionInvoice } from './invoice-writer.js';
import { lockSubscription, recordChange } from './subscription-state.js';

/** The provider name of payments recorded by hand rather than collected by a provider. */
export const OUT_OF_BAND_PROVIDER = 'out_of_band';

/** Statuses a successful payment brings back to ACTIVE (PAUSED and CANCELED are left alone). */
const RECOVERABLE: ReadonlySet<string> = new Set<SubscriptionStatus>(['PAST_DUE', 'UNPAID', 'INCOMPLETE']);

/** Statuses of invoices that can still be paid (an UNCOLLECTIBLE one was written off but a late payment counts). */
export const PAYABLE_INVOICE_STATUSES: readonly string[] = ['OPEN', 'UNCOLLECTIBLE'];

export interface InvoicePayment {
  amountMinor: number;
  at: Date;
  /** The ledger's reason if the subscription comes back to ACTIVE. */
  reason: 'payment_succeeded' | 'paid_out_of_band';
  actorUserId?: string | null;
}

/**
 * OPEN | UNCOLLECTIBLE → PAID, then `invoice.paid@1`, then the subscription back
 * to ACTIVE. The caller holds the invoice's row lock and has checked that the
 * invoice is payable.
 */
export async function markInvoicePaid(tx: Tx, invoice: InvoiceRow, payment: InvoicePayment): Promise<InvoiceRow> {
  const paid = await transitionInvoice(tx, invoice, 'PAID', payment.at, {
    amountPaidMinor: invoice.amountPaidMinor + payment.amountMinor,
    amountDueMinor: 0,
    paidAt: payment.at,
    nextPaymentAttemptAt: null,
  });
  await emit(tx, invoice.tenantId, {
    type: 'invoice.paid@1',
    aggregate: { type: 'invoice', id: invoice.id },
    payload: {
      customerId: invoice.customerId,
      invoiceId: invoice.id,
      amountMinor: payment.amountMinor,
      currency: invoice.currency,
      paidAt: payment.at.toISOString(),
      dueAt: invoice.dueAt?.toISOString() ?? null,
    },
  });
  if (invoice.subscriptionId) await reactivateAfterPayment(tx, invoice.subscriptionId, invoice.id, payment);
  return paid;
}

/**
 * Records money received outside the provider: a SUCCEEDED payment row (so the
 * invoice's payments explain how it was settled) and the invoice marked paid
 * for its amount due. Charges still pending at the provider are left as they
 * are; if one succeeds later, the webhook finds the invoice PAID and ignores it.
 */
export async function markPaidOutOfBand(tx: Tx, invoice: InvoiceRow, at: Date, actorUserId: string | null = null): Promise<InvoiceRow> {
  const [last] = await tx
    .select({ attempt: max(b.payments.attempt) })
    .from(b.payments)
    .where(eq(b.payments.invoiceId, invoice.id));
  await tx.insert(b.payments).values({
    tenantId: invoice.tenantId,
    invoiceId: invoice.id,
    provider: OUT_OF_BAND_PROVIDER,
    providerPaymentId: `oob_${crypto.randomUUID().replaceAll('-', '')}`,
    attempt: (last?.attempt ?? 0) + 1,
    status: 'SUCCEEDED',
    amountMinor: invoice.amountDueMinor,
    currency: invoice.currency,
    createdAt: at,
    settledAt: at,
  });
  return markInvoicePaid(tx, invoice, { amountMinor: invoice.amountDueMinor, at, reason: 'paid_out_of_band', actorUserId });
}

/**
 * PAST_DUE / UNPAID / INCOMPLETE → ACTIVE, unless another of the
 * subscription's open invoices is still in dunning (it keeps the subscription
 * PAST_DUE until it too is paid).
 */
async function reactivateAfterPayment(tx: Tx, subscriptionId: string, paidInvoiceId: string, payment: InvoicePayment): Promise<void> {
  const locked = await lockSubscription(tx, subscriptionId);
  if (!locked || !RECOVERABLE.has(locked.subscription.status)) return;
  const [stillFailing] = await tx
    .select({ id: b.invoices.id })
    .from(b.invoices)
    .where(
      and(eq(b.invoices.subscriptionId, subscriptionId), eq(b.invoices.status, 'OPEN'), ne(b.invoices.id, paidInvoiceId), isNotNull(b.invoices.firstFailedAt)),
    )
    .limit(1);
  if (stillFailing) return;
  await recordChange(tx, locked.subscription, {
    kind: 'STATUS',
    status: 'ACTIVE',
    reason: payment.reason,
    items: locked.items,
    at: payment.at,
    actorUserId: payment.actorUserId ?? null,
  });
}

/**
 * The subscription's side of a failed charge: ACTIVE or TRIALING → PAST_DUE;
 * when the retries are exhausted (`finalAction` given) the tenant's final
 * action: CANCEL ends any subscription still running, MARK_UNPAID moves a
 * PAST_DUE one to UNPAID. INCOMPLETE (never paid; the billing run expires it)
 * and PAUSED subscriptions do not become PAST_DUE.
 */
export async function dunSubscription(tx: Tx, subscriptionId: string, finalAction: DunningFinalAction | null, at: Date): Promise<void> {
  const locked = await lockSubscription(tx, subscriptionId);
  if (!locked) return;
  const { items } = locked;
  let subscription = locked.subscription;
  if (subscription.status === 'ACTIVE' || subscription.status === 'TRIALING') {
    subscription = await recordChange(tx, subscription, { kind: 'STATUS', status: 'PAST_DUE', reason: 'payment_failed', items, at });
  }
  if (finalAction === 'CANCEL' && subscription.status !== 'CANCELED') {
    await recordChange(tx, subscription, {
      kind: 'STATUS',
      status: 'CANCELED',
      reason: 'dunning_exhausted',
      items,
      at,
      set: { canceledAt: at, endedAt: at, cancelAtPeriodEnd: false },
    });
  } else if (finalAction === 'MARK_UNPAID' && subscription.status === 'PAST_DUE') {
    await recordChange(tx, subscription, { kind: 'STATUS', status: 'UNPAID', reason: 'dunning_exhausted', items, at });
  }
}
