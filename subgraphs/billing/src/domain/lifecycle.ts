/**
 * The states of subscriptions and invoices and the moves between them,
 * modelled on Stripe's. Every status change goes through an assert here, so an
 * impossible move (reviving a CANCELED subscription, paying a VOID invoice)
 * fails with an InvalidStateError instead of corrupting billing history.
 * Staying in the same state is not a transition and is refused too; callers
 * that want idempotency check for it first.
 */
import { InvalidStateError } from '@platform/core';

export type SubscriptionStatus = 'TRIALING' | 'ACTIVE' | 'PAST_DUE' | 'UNPAID' | 'CANCELED' | 'INCOMPLETE' | 'PAUSED';
export type InvoiceStatus = 'DRAFT' | 'OPEN' | 'PAID' | 'VOID' | 'UNCOLLECTIBLE';

export const SUBSCRIPTION_TRANSITIONS: Record<SubscriptionStatus, readonly SubscriptionStatus[]> = {
  // The first payment has not succeeded yet.
  INCOMPLETE: ['ACTIVE', 'CANCELED'],
  TRIALING: ['ACTIVE', 'PAST_DUE', 'CANCELED', 'PAUSED'],
  ACTIVE: ['PAST_DUE', 'CANCELED', 'PAUSED'],
  // Dunning: retries succeed (ACTIVE) or run out (UNPAID or CANCELED, the tenant's final action).
  PAST_DUE: ['ACTIVE', 'UNPAID', 'CANCELED'],
  UNPAID: ['ACTIVE', 'CANCELED'],
  PAUSED: ['ACTIVE', 'CANCELED'],
  // Final: a returning customer gets a new subscription.
  CANCELED: [],
};

export const INVOICE_TRANSITIONS: Record<InvoiceStatus, readonly InvoiceStatus[]> = {
  // Drafts are finalised or voided; deleting them is not supported, so numbering has no gaps to explain.
  DRAFT: ['OPEN', 'VOID'],
  OPEN: ['PAID', 'VOID', 'UNCOLLECTIBLE'],
  // Written off, but a late payment is still recorded.
  UNCOLLECTIBLE: ['PAID', 'VOID'],
  PAID: [],
  VOID: [],
};

/** What the billing run invoices; TRIALING is included so trials get their (usually zero) invoice and usage. */
export const BILLABLE_STATUSES: readonly SubscriptionStatus[] = ['TRIALING', 'ACTIVE', 'PAST_DUE'];

export function assertSubscriptionTransition(from: SubscriptionStatus, to: SubscriptionStatus): void {
  assertTransition('Subscription', SUBSCRIPTION_TRANSITIONS, from, to);
}

export function assertInvoiceTransition(from: InvoiceStatus, to: InvoiceStatus): void {
  assertTransition('Invoice', INVOICE_TRANSITIONS, from, to);
}

function assertTransition<S extends string>(entity: string, transitions: Record<S, readonly S[]>, from: S, to: S): void {
  const allowed = transitions[from];
  if (allowed?.includes(to)) return;
  const options = allowed && allowed.length > 0 ? ` (from ${from} it can become ${allowed.join(', ')})` : allowed ? ` (${from} is final)` : '';
  throw new InvalidStateError(`${entity} is ${from}; it cannot become ${to}${options}`);
}
