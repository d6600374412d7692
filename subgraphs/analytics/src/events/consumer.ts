/**
 * Analytics' durable consumer: paid invoices from billing (`invoice.paid@1`)
 * become `revenue_events`, the revenue side of KPIs and customer lifetime
 * value. Analytics never reads billing's tables. One row per invoice, so a
 * redelivered event changes nothing.
 */

import { ValidationError } from '@platform/core';
import { parseEventPayload } from '@platform/core/events/catalog';
import { analyticsTables as a, type EventConsumer, type StoredEvent, type Tx } from '@platform/db';

export const CONSUMER_NAME = 'analytics';
export const CONSUMED_EVENT_TYPES = ['invoice.paid@1'] as const;

export function createEventConsumer(): EventConsumer {
  return { name: CONSUMER_NAME, checkpoints: a.eventCheckpoints, types: CONSUMED_EVENT_TYPES, handle: applyBillingEvent };
}

export async function applyBillingEvent(tx: Tx, event: StoredEvent): Promise<void> {
  if (event.type !== 'invoice.paid@1') throw ValidationError.single('type', `analytics does not consume ${event.type}`);
  const paid = parseEventPayload('invoice.paid@1', event.payload);
  await tx
    .insert(a.revenueEvents)
    .values({
      invoiceId: paid.invoiceId,
      tenantId: event.tenantId,
      customerId: paid.customerId,
      amountMinor: paid.amountMinor,
      currency: paid.currency,
      paidAt: new Date(paid.paidAt),
      sourceEventId: event.id,
    })
    .onConflictDoNothing();
}
