/**
 * Records a subgraph's domain events in its outbox, inside the caller's
 * transaction, each payload checked against the platform's event catalogue
 * first, so a producer bug fails the operation instead of shipping an event
 * consumers would reject. One multi-row insert for any number of events.
 */
import { type DomainEvent, type OutboxTable, recordEvents, type Tx } from '@platform/db';
import { type DomainEventType, type EventPayload, parseEventPayload } from './catalog.js';

export interface CatalogEvent<T extends DomainEventType> {
  type: T;
  aggregate: { type: string; id: string };
  payload: EventPayload<T>;
}

export async function recordCatalogEvents(tx: Tx, outbox: OutboxTable, tenantId: string, events: readonly CatalogEvent<DomainEventType>[]): Promise<void> {
  const rows: DomainEvent[] = events.map((e) => ({
    tenantId,
    type: e.type,
    aggregateType: e.aggregate.type,
    aggregateId: e.aggregate.id,
    payload: parseEventPayload(e.type, e.payload) as Record<string, unknown>,
  }));
  await recordEvents(tx, outbox, rows);
}
