/**
 * The shapes the event bus hands around. An event is stored once, in the outbox
 * of the subgraph that produced it (`source` is that subgraph's schema), and
 * identified across the platform by its uuid; `position` orders it within its
 * source.
 */
import type { Tx } from '../tenant-scope.js';
import type { CheckpointTable } from './checkpoints.js';

export interface StoredEvent {
  id: string;
  /** Order within the source outbox. */
  position: number;
  /** Schema of the producing subgraph, e.g. `customer_success`. */
  source: string;
  tenantId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
  occurredAt: Date;
}

/**
 * A durable consumer. `handle` runs inside a transaction already scoped to the
 * event's tenant (RLS applies); the bus records the event as processed in the
 * same transaction, so its effect happens exactly once even though delivery is
 * at least once. Throwing rolls the effect back and the bus retries later.
 * Events of one aggregate reach `handle` in the order they were recorded.
 */
export interface EventConsumer {
  /** Unique across the platform; names the job queue (`events.<name>`). */
  name: string;
  /** The consumer's checkpoint table, in its own schema (see defineEventCheckpoints). */
  checkpoints: CheckpointTable;
  /** Event types it wants, e.g. `['usage.recorded@1']`. */
  types: readonly string[];
  handle(tx: Tx, event: StoredEvent): Promise<void>;
}

/**
 * Live fan-out of committed events to in-process listeners (GraphQL
 * subscriptions). Not durable: a listener sees events committed while it is
 * subscribed. Ending the iterator (return / break / abort) unsubscribes.
 */
export interface LiveEvents {
  subscribe(source: string, filter: (event: StoredEvent) => boolean, options?: { signal?: AbortSignal; bufferLimit?: number }): AsyncIterableIterator<StoredEvent>;
}
