/**
 * Where a consumer remembers what it has processed: per (consumer, source,
 * aggregate), the position of the last event applied. An event at or below it
 * is a duplicate and is skipped; an event whose predecessor (of the same
 * aggregate) is not yet applied waits, which keeps per-aggregate order under
 * retries. Lives in the consumer's own schema, under RLS like any tenant data.
 */
import { bigint, type PgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export function defineEventCheckpoints(schema: PgSchema<string>) {
  return schema.table(
    'event_checkpoints',
    {
      tenantId: uuid('tenant_id').notNull(),
      consumer: text('consumer').notNull(),
      source: text('source').notNull(),
      aggregateKey: text('aggregate_key').notNull(),
      lastPosition: bigint('last_position', { mode: 'number' }).notNull(),
      processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.consumer, t.source, t.aggregateKey] })],
  );
}

export type CheckpointTable = ReturnType<typeof defineEventCheckpoints>;
