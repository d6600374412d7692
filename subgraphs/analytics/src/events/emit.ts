/**
 * Records analytics' domain events in its outbox, inside the caller's
 * transaction, each payload checked against the platform's event catalogue.
 */
import { type DomainEventType, type EventPayload, parseEventPayload } from '@platform/core/events/catalog';
import { analyticsTables as a, type DomainEvent, recordEvents, type Tx } from '@platform/db';

export type ProducedEventType = 'usage.recorded@1';

export const EVENT_SOURCE = 'analytics';

export interface AnalyticsEvent<T extends ProducedEventType & DomainEventType> {
  type: T;
  aggregate: { type: 'customer'; id: string };
  payload: EventPayload<T>;
}

/** One multi-row insert for many events (the usage publisher emits one per changed customer). */
export async function emitMany(tx: Tx, tenantId: string, events: AnalyticsEvent<ProducedEventType>[]): Promise<void> {
  if (events.length === 0) return;
  const rows: DomainEvent[] = events.map((e) => ({
    tenantId,
    type: e.type,
    aggregateType: e.aggregate.type,
    aggregateId: e.aggregate.id,
    payload: parseEventPayload(e.type, e.payload) as Record<string, unknown>,
  }));
  await recordEvents(tx, a.outbox, rows);
}
