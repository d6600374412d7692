/**
 * Records this subgraph's domain events in its outbox, inside the caller's
 * transaction. Each payload is checked against the platform's event catalogue
 * first, so a producer bug fails the mutation instead of shipping an event
 * consumers would reject.
 */
import type { DomainEventType, EventPayload } from '@platform/core/events/catalog';
import { recordCatalogEvents } from '@platform/core/events/record';
import { customerSuccessTables as cs, type Tx } from '@platform/db';

export type ProducedEventType =
  | 'customer.created@1'
  | 'customer.updated@1'
  | 'customer.archived@1'
  | 'health_score.changed@1'
  | 'churn_risk.changed@1'
  | 'playbook.triggered@1'
  | 'playbook.step_completed@1';

export const EVENT_SOURCE = 'customer_success';

export async function emit<T extends ProducedEventType & DomainEventType>(
  tx: Tx,
  tenantId: string,
  type: T,
  aggregate: { type: string; id: string },
  payload: EventPayload<T>,
): Promise<void> {
  await recordCatalogEvents(tx, cs.outbox, tenantId, [{ type, aggregate, payload }]);
}
