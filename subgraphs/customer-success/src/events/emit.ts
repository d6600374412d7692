/**
 * Records this subgraph's domain events in its outbox, inside the caller's
 * transaction. Each payload is checked against the platform's event catalogue
 * first, so a producer bug fails the mutation instead of shipping an event
 * consumers would reject.
 */
import { type DomainEventType, type EventPayload, parseEventPayload } from '@platform/core/events/catalog';
import { customerSuccessTables as cs, recordEvents, type Tx } from '@platform/db';

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
  const checked = parseEventPayload(type, payload);
  await recordEvents(tx, cs.outbox, [{ tenantId, type, aggregateType: aggregate.type, aggregateId: aggregate.id, payload: checked as Record<string, unknown> }]);
}
