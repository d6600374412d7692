/**
 * Billing's durable consumer: it keeps `billing.customers`, its projection of
 * customer-success's customers, from `customer.*@1` events. Billing never
 * reads another subgraph's tables; a subscription can only be created for a
 * customer this projection knows (so for a few hundred milliseconds after a
 * customer is created, billing answers NOT_FOUND for it, and says so).
 */

import { ValidationError } from '@platform/core';
import { parseEventPayload } from '@platform/core/events/catalog';
import { billingTables as b, type EventConsumer, type StoredEvent, type Tx } from '@platform/db';

export const CONSUMER_NAME = 'billing';
export const CONSUMED_EVENT_TYPES = ['customer.created@1', 'customer.updated@1', 'customer.archived@1'] as const;

export function createEventConsumer(): EventConsumer {
  return { name: CONSUMER_NAME, checkpoints: b.eventCheckpoints, types: CONSUMED_EVENT_TYPES, handle: applyCustomerEvent };
}

export async function applyCustomerEvent(tx: Tx, event: StoredEvent): Promise<void> {
  switch (event.type) {
    case 'customer.created@1':
    case 'customer.updated@1': {
      const { customerId, name } = parseEventPayload(event.type, event.payload);
      await tx
        .insert(b.customers)
        .values({ id: customerId, tenantId: event.tenantId, name, updatedAt: event.occurredAt })
        .onConflictDoUpdate({ target: b.customers.id, set: { name, updatedAt: event.occurredAt } });
      return;
    }
    case 'customer.archived@1': {
      const { customerId } = parseEventPayload('customer.archived@1', event.payload);
      await tx
        .insert(b.customers)
        .values({ id: customerId, tenantId: event.tenantId, name: '(archived)', archivedAt: event.occurredAt, updatedAt: event.occurredAt })
        .onConflictDoUpdate({ target: b.customers.id, set: { archivedAt: event.occurredAt, updatedAt: event.occurredAt } });
      return;
    }
    default:
      throw ValidationError.single('type', `billing does not consume ${event.type}`);
  }
}
