/**
 * Records billing's domain events in its outbox, inside the caller's
 * transaction. Each payload is checked against the platform's event catalogue
 * first, so a producer bug fails the operation instead of shipping an event
 * consumers would reject.
 */
import type { DomainEventType, EventPayload } from '@platform/core/events/catalog';
import { recordCatalogEvents } from '@platform/core/events/record';
import { billingTables as b, type Tx } from '@platform/db';

export type ProducedEventType =
  | 'subscription.status_changed@1'
  | 'invoice.status_changed@1'
  | 'invoice.paid@1'
  | 'payment.failed@1'
  | 'platform_cost.budget_alert@1';

export const EVENT_SOURCE = 'billing';

export interface BillingEvent<T extends ProducedEventType & DomainEventType> {
  type: T;
  aggregate: { type: 'subscription' | 'invoice' | 'tenant'; id: string };
  payload: EventPayload<T>;
}

export async function emit<T extends ProducedEventType & DomainEventType>(tx: Tx, tenantId: string, event: BillingEvent<T>): Promise<void> {
  await emitMany(tx, tenantId, [event]);
}

/** One multi-row insert for many events (the billing run emits thousands per batch). */
export async function emitMany(tx: Tx, tenantId: string, events: BillingEvent<ProducedEventType>[]): Promise<void> {
  await recordCatalogEvents(tx, b.outbox, tenantId, events);
}
