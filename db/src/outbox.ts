/**
 * The transactional outbox. Each subgraph owns an `outbox` table in its own
 * schema; a change and the domain event describing it are written in the same
 * transaction, so an event exists exactly when its change committed. Delivery
 * (relay, consumers, retries) reads these rows; see docs/decisions.md.
 */
import { bigserial, index, jsonb, type PgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Tx } from './tenant-scope.js';

export function defineOutbox(schema: PgSchema<string>) {
  return schema.table(
    'outbox',
    {
      position: bigserial('position', { mode: 'number' }).primaryKey(),
      id: uuid('id').notNull().defaultRandom().unique(),
      tenantId: uuid('tenant_id').notNull(),
      /** Versioned type, e.g. `tenant.created@1`. */
      type: text('type').notNull(),
      aggregateType: text('aggregate_type').notNull(),
      aggregateId: text('aggregate_id').notNull(),
      payload: jsonb('payload').notNull(),
      occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
      publishedAt: timestamp('published_at', { withTimezone: true }),
    },
    (t) => [index().on(t.publishedAt, t.position), index().on(t.aggregateType, t.aggregateId, t.position)],
  );
}

export type OutboxTable = ReturnType<typeof defineOutbox>;

export interface DomainEvent<P = Record<string, unknown>> {
  tenantId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: P;
}

/** Appends events to the outbox inside the caller's transaction. */
export async function recordEvents(tx: Tx, outbox: OutboxTable, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(outbox).values(events.map((e) => ({ ...e, payload: e.payload as object })));
}
