/**
 * Event ingestion, shared by the `trackEvents` mutation and the SDK batch
 * endpoint. The contract (docs/analytics.md, "Ingestion"):
 * - each event is checked on its own; a malformed one is reported by its index
 *   in the batch and the valid ones are stored (not all-or-nothing: SDKs send
 *   mixed batches and resending the good events would double nothing anyway);
 * - ingestion is idempotent by event id: an id already stored (or repeated in
 *   the batch) is counted as a duplicate and changes nothing;
 * - the valid events go in with one `unnest` statement, which also marks their
 *   customers for the usage publisher, in one transaction.
 */
import type { Identity } from '@platform/core';
import { rowsOf, sqlArray, type Tx } from '@platform/db';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { type AnalyticsDeps, asActor, asTenant, DAY_MS } from './deps.js';
import { eventName } from './query-inputs.js';

export const MAX_BATCH_EVENTS = 5_000;
/** Clock skew allowed for timestamps in the future. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Historical imports are welcome; a timestamp older than this is a bug in the sender. */
export const MAX_EVENT_AGE_DAYS = 5 * 366;
/** Serialised size limit of one event's properties. */
export const MAX_PROPERTIES_BYTES = 32 * 1024;

export interface EventRejection {
  index: number;
  path: string;
  message: string;
}

export interface TrackResult {
  accepted: number;
  duplicates: number;
  rejected: EventRejection[];
}

const uuid = z.string().uuid('must be a UUID');
const trackedEvent = z.object({
  id: uuid.nullish(),
  event: eventName,
  distinctId: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  customerId: uuid.nullish(),
  sessionId: z.string().min(1).max(200).nullish(),
  timestamp: z.union([z.date(), z.string().datetime({ offset: true, message: 'must be an ISO-8601 date-time with an offset' })]).nullish(),
  properties: z.record(z.string(), z.unknown()).nullish(),
});

interface ValidEvent {
  id: string;
  name: string;
  distinctId: string;
  customerId: string | null;
  sessionId: string | null;
  occurredAt: string;
  properties: string;
}

export class IngestService {
  constructor(private readonly deps: AnalyticsDeps) {}

  /** `trackEvents`: an authenticated member's or app's batch. */
  track(actor: Identity, events: readonly unknown[]): Promise<TrackResult> {
    return this.ingest(events, (work) => asActor(this.deps, actor, work));
  }

  /** The batch endpoint: a tenant identified by its ingestion key. */
  trackForTenant(tenantId: string, events: readonly unknown[]): Promise<TrackResult> {
    return this.ingest(events, (work) => asTenant(this.deps, tenantId, work));
  }

  private async ingest(events: readonly unknown[], inTenant: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>): Promise<TrackResult> {
    if (events.length > MAX_BATCH_EVENTS) {
      return { accepted: 0, duplicates: 0, rejected: [{ index: -1, path: 'events', message: `at most ${MAX_BATCH_EVENTS} events per batch, got ${events.length}` }] };
    }
    const { valid, rejected } = this.validate(events);
    if (valid.length === 0) return { accepted: 0, duplicates: 0, rejected };
    const accepted = await inTenant((tx) => insertEvents(tx, valid));
    return { accepted, duplicates: valid.length - accepted, rejected };
  }

  private validate(events: readonly unknown[]): { valid: ValidEvent[]; rejected: EventRejection[] } {
    const now = this.deps.now().getTime();
    const valid: ValidEvent[] = [];
    const rejected: EventRejection[] = [];
    events.forEach((raw, index) => {
      const parsed = trackedEvent.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) rejected.push({ index, path: issue.path.join('.') || 'event', message: issue.message });
        return;
      }
      const e = parsed.data;
      const occurredAt = e.timestamp ? new Date(e.timestamp) : new Date(now);
      if (occurredAt.getTime() > now + FUTURE_TOLERANCE_MS) {
        rejected.push({ index, path: 'timestamp', message: `is more than ${FUTURE_TOLERANCE_MS / 60_000} minutes in the future` });
        return;
      }
      if (occurredAt.getTime() < now - MAX_EVENT_AGE_DAYS * DAY_MS) {
        rejected.push({ index, path: 'timestamp', message: `is more than ${MAX_EVENT_AGE_DAYS} days in the past` });
        return;
      }
      const properties = JSON.stringify(e.properties ?? {});
      if (Buffer.byteLength(properties) > MAX_PROPERTIES_BYTES) {
        rejected.push({ index, path: 'properties', message: `must be at most ${MAX_PROPERTIES_BYTES} bytes as JSON` });
        return;
      }
      const sessionProperty = e.properties?.$session_id;
      valid.push({
        id: e.id ?? crypto.randomUUID(),
        name: e.event,
        distinctId: e.distinctId,
        customerId: e.customerId ?? null,
        sessionId: e.sessionId ?? (typeof sessionProperty === 'string' && sessionProperty.length <= 200 ? sessionProperty : null),
        occurredAt: occurredAt.toISOString(),
        properties,
      });
    });
    return { valid, rejected };
  }
}

/**
 * One statement: insert what is new (ON CONFLICT DO NOTHING also absorbs ids
 * repeated within the batch) and mark the customers of the inserted events as
 * having new usage. Concurrent batches mark overlapping customers, so the marks
 * go in customer order (no lock-order deadlock) and an existing mark is left
 * alone (no row lock at all). Returns how many events were stored.
 */
async function insertEvents(tx: Tx, events: ValidEvent[]): Promise<number> {
  const column = <K extends keyof ValidEvent>(key: K) => sqlArray(events.map((e) => e[key]));
  const rows = await tx.execute<{ accepted: number }>(sql`
    WITH inserted AS (
      INSERT INTO analytics.events (tenant_id, id, name, distinct_id, customer_id, session_id, occurred_at, properties)
      SELECT platform.current_tenant_id(), u.id, u.name, u.distinct_id, u.customer_id, u.session_id, u.occurred_at::timestamptz, u.properties::jsonb
      FROM unnest(${column('id')}::uuid[], ${column('name')}::text[], ${column('distinctId')}::text[], ${column('customerId')}::uuid[],
                  ${column('sessionId')}::text[], ${column('occurredAt')}::text[], ${column('properties')}::text[])
        AS u(id, name, distinct_id, customer_id, session_id, occurred_at, properties)
      ON CONFLICT DO NOTHING
      RETURNING customer_id
    ), marked AS (
      INSERT INTO analytics.usage_dirty (tenant_id, customer_id)
      SELECT DISTINCT platform.current_tenant_id(), customer_id FROM inserted WHERE customer_id IS NOT NULL ORDER BY 2
      ON CONFLICT (tenant_id, customer_id) DO NOTHING
    )
    SELECT count(*)::int AS accepted FROM inserted`);
  return Number(rowsOf<{ accepted: number }>(rows)[0]?.accepted ?? 0);
}
