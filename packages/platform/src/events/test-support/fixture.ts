/**
 * A throw-away subgraph schema for event-bus tests: an outbox, a checkpoint
 * table and an append-only log of applied effects (no unique key, so a double
 * application would show as two rows).
 */
import { type AppDatabase, createAdHocOutbox, type DatabaseHandle, defineEventCheckpoints, defineOutbox, type EventConsumer, openDatabase } from '@platform/db';
import { bigint, bigserial, pgSchema, text, uuid } from 'drizzle-orm/pg-core';
import { InvalidStateError } from '../../errors.js';

export const busTest = pgSchema('bus_test');
export const outbox = defineOutbox(busTest);
export const checkpoints = defineEventCheckpoints(busTest);
export const effects = busTest.table('effects', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  tenantId: uuid('tenant_id').notNull(),
  eventId: uuid('event_id').notNull(),
  aggregateId: text('aggregate_id').notNull(),
  position: bigint('position', { mode: 'number' }).notNull(),
});

const FIXTURE_TABLES = `CREATE TABLE IF NOT EXISTS bus_test.event_checkpoints (
  tenant_id uuid NOT NULL, consumer text NOT NULL, source text NOT NULL, aggregate_key text NOT NULL,
  last_position bigint NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer, source, aggregate_key));
CREATE TABLE IF NOT EXISTS bus_test.effects (
  seq bigserial PRIMARY KEY, tenant_id uuid NOT NULL, event_id uuid NOT NULL, aggregate_id text NOT NULL, position bigint NOT NULL);`;

/** Opens the database and creates the fixture schema as the admin (once). */
export async function openFixtureDatabase(target: { databaseUrl?: string; dataDir?: string }, create: boolean): Promise<DatabaseHandle> {
  const handle = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  if (create) await createAdHocOutbox(handle, target.databaseUrl, 'bus_test', FIXTURE_TABLES);
  return handle;
}

export interface FixtureConsumerOptions {
  /** Called after the effect is written, before commit (crash window). */
  afterEffect?: (position: number) => Promise<void> | void;
  /** Positions the handler rejects with a DomainError. */
  reject?: Set<number>;
}

export function fixtureConsumer(options: FixtureConsumerOptions = {}): EventConsumer {
  return {
    name: 'bus-test',
    checkpoints,
    types: ['thing.happened@1'],
    async handle(tx, event) {
      await tx.insert(effects).values({ tenantId: event.tenantId, eventId: event.id, aggregateId: event.aggregateId, position: event.position });
      if (options.reject?.has(event.position)) throw new InvalidStateError('fixture rejects this event');
      await options.afterEffect?.(event.position);
    },
  };
}

export type { AppDatabase };
