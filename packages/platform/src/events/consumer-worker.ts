/**
 * Applies queued events to one consumer, exactly once in effect:
 *
 * - Each event is applied in its own transaction, scoped to its tenant, which
 *   also moves the consumer's checkpoint for the event's aggregate. A crash
 *   before commit leaves neither effect nor checkpoint; pg-boss hands the job
 *   out again once it expires, and the checkpoint turns any redelivery of an
 *   applied event into a no-op.
 * - Per-aggregate order: an event whose predecessor (for this consumer) has not
 *   been applied yet is deferred (re-queued shortly, without spending a retry);
 *   later events of the same aggregate in the batch are deferred with it.
 * - A DomainError from the handler (malformed payload, unknown customer) is a
 *   permanent rejection: retrying cannot help, so the effect is rolled back (to
 *   a savepoint), the rejection logged and the checkpoint still advanced, so
 *   the aggregate is not blocked forever.
 */
import type { AppDatabase, EventConsumer, StoredEvent } from '@platform/db';
import { setScope } from '@platform/db';
import { and, eq, sql } from 'drizzle-orm';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventJob } from './relay.js';

export class PredecessorPendingError extends Error {
  constructor(event: StoredEvent, predecessor: number) {
    super(`${event.type} at ${event.source}#${event.position} waits for #${predecessor} of ${event.aggregateType} ${event.aggregateId}`);
  }
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'rejected';

export function eventFromJob(job: EventJob): StoredEvent {
  return { ...job.event, occurredAt: new Date(job.event.occurredAt) };
}

export async function applyEvent(db: AppDatabase, consumer: EventConsumer, job: EventJob, logger: Logger): Promise<ApplyOutcome> {
  const event = eventFromJob(job);
  const table = consumer.checkpoints;
  const aggregateKey = `${event.aggregateType}:${event.aggregateId}`;
  const thisCheckpoint = and(eq(table.consumer, consumer.name), eq(table.source, event.source), eq(table.aggregateKey, aggregateKey));
  return db.transaction(async (tx) => {
    await setScope(tx, { tenantId: event.tenantId, accountId: null });
    // Insert-then-lock, so two workers racing on an aggregate's first event serialise on the row.
    await tx
      .insert(table)
      .values({ tenantId: event.tenantId, consumer: consumer.name, source: event.source, aggregateKey, lastPosition: 0 })
      .onConflictDoNothing();
    const [checkpoint] = await tx.select({ lastPosition: table.lastPosition }).from(table).where(thisCheckpoint).for('update');
    const last = checkpoint?.lastPosition ?? 0;
    if (event.position <= last) return 'duplicate';
    if (job.predecessor !== null && last < job.predecessor) throw new PredecessorPendingError(event, job.predecessor);

    let outcome: ApplyOutcome = 'applied';
    try {
      await tx.transaction((inner) => consumer.handle(inner, event));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      outcome = 'rejected';
      logger.warn({ consumer: consumer.name, eventId: event.id, type: event.type, code: err.code, reason: err.message }, 'event rejected by consumer');
    }
    await tx.update(table).set({ lastPosition: event.position, processedAt: sql`now()` }).where(thisCheckpoint);
    return outcome;
  });
}

/**
 * Applies a fetched batch: aggregates in parallel (up to `concurrency`, which
 * must be 1 on PGlite's single connection), each aggregate's events in
 * position order. Returns the jobs that failed (to retry with back-off) and the
 * jobs to defer (waiting for a predecessor, or behind a failed event of their
 * aggregate).
 */
export async function applyBatch(
  db: AppDatabase,
  consumer: EventConsumer,
  jobs: { id: string; data: EventJob }[],
  logger: Logger,
  concurrency = 1,
): Promise<{ failed: string[]; deferred: string[]; outcomes: Map<string, ApplyOutcome>; lastError: Error | null }> {
  const byAggregate = new Map<string, { id: string; data: EventJob }[]>();
  for (const job of [...jobs].sort((a, b) => a.data.event.position - b.data.event.position)) {
    const { source, aggregateType, aggregateId } = job.data.event;
    const key = `${source}/${aggregateType}:${aggregateId}`;
    byAggregate.set(key, [...(byAggregate.get(key) ?? []), job]);
  }
  const failed: string[] = [];
  const deferred: string[] = [];
  const outcomes = new Map<string, ApplyOutcome>();
  let lastError: Error | null = null;

  async function applyInOrder(group: { id: string; data: EventJob }[]) {
    for (const [index, job] of group.entries()) {
      try {
        outcomes.set(job.id, await applyEvent(db, consumer, job.data, logger));
      } catch (err) {
        const rest = group.slice(index + 1).map((j) => j.id);
        if (err instanceof PredecessorPendingError) {
          deferred.push(job.id, ...rest);
          return;
        }
        lastError = err as Error;
        failed.push(job.id);
        deferred.push(...rest);
        logger.error({ err, consumer: consumer.name, eventId: job.data.event.id }, 'event not applied; it will be retried');
        return;
      }
    }
  }

  const groups = [...byAggregate.values()];
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, groups.length)) }, async () => {
    for (let group = groups.shift(); group; group = groups.shift()) await applyInOrder(group);
  });
  await Promise.all(lanes);
  return { failed, deferred, outcomes, lastError };
}
