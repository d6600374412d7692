/**
 * The relay: moves committed outbox events into the consumers' job queues.
 * One transaction claims a batch (marking it published), enqueues one pg-boss
 * job per (consumer, event) and announces the batch with NOTIFY; so an event is
 * either still in the outbox or already in every interested queue, never lost
 * between the two. Several relays (replicas) can run at once: claiming uses
 * FOR UPDATE SKIP LOCKED.
 */
import type { EventConsumer, StoredEvent, Tx } from '@platform/db';
import { rowsOf, transactionExecutor } from '@platform/db';
import { sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { v7 as uuidv7 } from 'uuid';

export const EVENTS_CHANNEL = 'platform_events';
export const OUTBOX_CHANNEL = 'platform_outbox';

/** What a queued job carries: the event, and the earlier event of its aggregate this consumer must apply first. */
export interface EventJob {
  event: Omit<StoredEvent, 'occurredAt'> & { occurredAt: string };
  predecessor: number | null;
}

/** The NOTIFY payload announcing a relayed batch: positions, never payloads (8 kB limit, and no data on the wire). */
export interface RelayAnnouncement {
  /** Id of the announcing process, which already fanned the batch out locally. */
  origin: string;
  source: string;
  positions: number[];
  queues: string[];
}

export function queueName(consumer: Pick<EventConsumer, 'name'>): string {
  return `events.${consumer.name}`;
}

export interface RelayBatch {
  events: StoredEvent[];
  queues: string[];
  full: boolean;
}

type Row = Record<string, unknown>;

export function storedEventFrom(source: string, row: Row): StoredEvent {
  return {
    id: String(row.id),
    position: Number(row.pos),
    source,
    tenantId: String(row.tenant_id),
    type: String(row.type),
    aggregateType: String(row.aggregate_type),
    aggregateId: String(row.aggregate_id),
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    occurredAt: new Date(row.occurred_at as string | Date),
  };
}

/** A PostgreSQL array parameter, sent as JSON text: the one encoding both drivers (PGlite, postgres-js) pass alike. */
const bigintArray = (values: readonly number[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)::bigint)`;
const textArray = (values: readonly string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

async function predecessors(tx: Tx, source: string, positions: number[], types: readonly string[]): Promise<Map<number, number | null>> {
  const result = await tx.execute(
    sql`SELECT pos, prev_pos FROM platform.outbox_predecessors(${source}, ${bigintArray(positions)}, ${textArray(types)})`,
  );
  return new Map(rowsOf(result).map((r) => [Number(r.pos), r.prev_pos === null ? null : Number(r.prev_pos)]));
}

/** Claims and enqueues one batch of `source`'s outbox inside `tx`. */
export async function relayBatch(
  tx: Tx,
  boss: PgBoss,
  options: { source: string; consumers: readonly Pick<EventConsumer, 'name' | 'types'>[]; batchSize: number; origin: string },
): Promise<RelayBatch> {
  const { source, consumers, batchSize, origin } = options;
  const claimed = rowsOf(await tx.execute(sql`SELECT * FROM platform.relay_claim(${source}, ${batchSize})`));
  if (claimed.length === 0) return { events: [], queues: [], full: false };
  const events = claimed.map((row) => storedEventFrom(source, row)).sort((a, b) => a.position - b.position);

  const jobs: { id: string; name: string; data: EventJob }[] = [];
  const queues: string[] = [];
  for (const consumer of consumers) {
    const mine = events.filter((e) => consumer.types.includes(e.type));
    if (mine.length === 0) continue;
    const previous = await predecessors(
      tx,
      source,
      mine.map((e) => e.position),
      consumer.types,
    );
    const name = queueName(consumer);
    queues.push(name);
    // uuid v7 ids are monotonic, so pg-boss (ordering by created_on, id) hands
    // a batch's jobs out in position order.
    for (const event of mine) {
      jobs.push({ id: uuidv7(), name, data: { event: { ...event, occurredAt: event.occurredAt.toISOString() }, predecessor: previous.get(event.position) ?? null } });
    }
  }
  if (jobs.length > 0) await boss.insert(jobs, { db: transactionExecutor(tx) } as PgBoss.InsertOptions);
  const announcement: RelayAnnouncement = { origin, source, positions: events.map((e) => e.position), queues };
  await tx.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(announcement)})`);
  return { events, queues, full: claimed.length === batchSize };
}

/** Loads announced events (another process relayed them) for local live fan-out. */
export async function loadEvents(tx: Tx, source: string, positions: number[]): Promise<StoredEvent[]> {
  const result = await tx.execute(sql`SELECT * FROM platform.outbox_events(${source}, ${bigintArray(positions)})`);
  return rowsOf(result).map((row) => storedEventFrom(source, row));
}
