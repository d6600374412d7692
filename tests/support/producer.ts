/**
 * Publishes domain events the way a producer subgraph that does not exist yet
 * (analytics, billing) will: into its own outbox, in a transaction scoped to
 * the tenant, validated against the shared catalogue. The platform relays this
 * outbox like any other (startPlatform's `extraEventSources`).
 */
import { type DomainEventType, type EventPayload, parseEventPayload } from '@platform/core';
import { createAdHocOutbox, type DatabaseHandle, defineOutbox, inScope, recordEvents } from '@platform/db';
import { pgSchema } from 'drizzle-orm/pg-core';

export const PRODUCER_SCHEMA = 'test_producer';
const producerOutbox = defineOutbox(pgSchema(PRODUCER_SCHEMA));

/** Creates the producer's outbox as the admin (PostgreSQL URL, or PGlite's own superuser session). */
export function createProducerOutbox(database: DatabaseHandle, adminUrl: string | undefined): Promise<void> {
  return createAdHocOutbox(database, adminUrl, PRODUCER_SCHEMA);
}

export async function publishEvent<T extends DomainEventType>(
  database: DatabaseHandle,
  tenantId: string,
  type: T,
  payload: EventPayload<T>,
  aggregate: { type: string; id: string } = { type: 'customer', id: (payload as { customerId: string }).customerId },
): Promise<void> {
  parseEventPayload(type, payload);
  await inScope(database.db, { tenantId, accountId: null }, (tx) =>
    recordEvents(tx, producerOutbox, [{ tenantId, type, aggregateType: aggregate.type, aggregateId: aggregate.id, payload: payload as Record<string, unknown> }]),
  );
}

/** Publishes several events in one producer transaction (benchmarks). */
export async function publishEvents<T extends DomainEventType>(database: DatabaseHandle, tenantId: string, events: { type: T; payload: EventPayload<T> }[]): Promise<void> {
  await inScope(database.db, { tenantId, accountId: null }, (tx) =>
    recordEvents(
      tx,
      producerOutbox,
      events.map((e) => ({ tenantId, type: e.type, aggregateType: 'customer', aggregateId: (e.payload as { customerId: string }).customerId, payload: e.payload as Record<string, unknown> })),
    ),
  );
}

/** Inserts a raw (possibly malformed) event, bypassing validation: for bad-input tests. */
export async function publishRawEvent(database: DatabaseHandle, tenantId: string, type: string, aggregateId: string, payload: Record<string, unknown>): Promise<void> {
  await inScope(database.db, { tenantId, accountId: null }, (tx) =>
    recordEvents(tx, producerOutbox, [{ tenantId, type, aggregateType: 'customer', aggregateId, payload }]),
  );
}
