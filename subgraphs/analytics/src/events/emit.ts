/**
 * Records analytics' domain events in its outbox, inside the caller's
 * transaction, each payload checked against the platform's event catalogue.
 */
import type { DomainEventType, EventPayload } from '@platform/core/events/catalog';
import { recordCatalogEvents } from '@platform/core/events/record';
import { analyticsTables as a, type Tx } from '@platform/db';

export type ProducedEventType = 'usage.recorded@1';

export const EVENT_SOURCE = 'analytics';

export interface AnalyticsEvent<T extends ProducedEventType & DomainEventType> {
  type: T;
  aggregate: { type: 'customer'; id: string };
  payload: EventPayload<T>;
}

/** One multi-row insert for many events (the usage publisher emits one per changed customer). */
export async function emitMany(tx: Tx, tenantId: string, events: AnalyticsEvent<ProducedEventType>[]): Promise<void> {
  await recordCatalogEvents(tx, a.outbox, tenantId, events);
}
