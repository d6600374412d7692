/**
 * Test harness for the customer-success subgraph: its own database, the
 * subgraph runtime behind the identity-header guard (requests signed the way
 * the gateway signs them), a controllable clock, the event consumer called the
 * way the event bus calls it, and an in-memory live fan-out fed from the outbox.
 */
import { formatSubgraphError, type Identity } from '@platform/core';
import type { DomainEventType, EventPayload } from '@platform/core/events/catalog';
import { customerSuccessSubgraph } from '@platform/customer-success';
import { customerSuccessTables as cs, type DatabaseHandle, inScope, type LiveEvents, openDatabase, type StoredEvent } from '@platform/db';
import { and, asc, gt } from 'drizzle-orm';
import { type DocumentNode, type ExecutionResult, type GraphQLFormattedError, parse, subscribe } from 'graphql';
import { createTestDatabase } from '../../../tests/support/database.js';
import { outboxRows, startSignedRuntime, testClock, testTenant } from '../../../tests/support/subgraph-harness.js';

export const DAY = 86_400_000;

export type { Clock, TestTenant } from '../../../tests/support/subgraph-harness.js';

/** An in-memory LiveEvents: tests publish committed outbox events into it. */
export class TestLiveEvents implements LiveEvents {
  private readonly listeners = new Set<{ source: string; filter: (e: StoredEvent) => boolean; push: (e: StoredEvent) => void }>();

  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(source: string, filter: (event: StoredEvent) => boolean): AsyncIterableIterator<StoredEvent> {
    const queue: StoredEvent[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const listener = {
      source,
      filter,
      push: (e: StoredEvent) => {
        queue.push(e);
        wake?.();
      },
    };
    this.listeners.add(listener);
    const iterator: AsyncIterableIterator<StoredEvent> = {
      next: async () => {
        while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        if (done) return { done: true, value: undefined };
        return { done: false, value: queue.shift()! };
      },
      return: async () => {
        done = true;
        this.listeners.delete(listener);
        wake?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  publish(event: StoredEvent): void {
    for (const l of this.listeners) if (l.source === event.source && l.filter(event)) l.push(event);
  }
}

export type { GraphQLResponse } from '../../../tests/support/subgraph-client.js';

export async function startCustomerSuccess(options: { start?: Date } = {}) {
  const testDb = await createTestDatabase();
  const database: DatabaseHandle = await openDatabase({ databaseUrl: testDb.databaseUrl });
  const clock = testClock(options.start ?? new Date('2025-01-01T00:00:00Z'));
  const live = new TestLiveEvents();
  const definition = customerSuccessSubgraph({ db: database.db, live, now: () => clock.now });
  const { runtime, logger, gql, ok } = await startSignedRuntime(definition);
  const consumer = definition.consumers![0]!;
  const published = new Map<string, number>();

  /** Delivers an event to the consumer the way the event bus does: in a transaction scoped to its tenant. */
  async function deliver<T extends DomainEventType>(tenantId: string, type: T, payload: EventPayload<T> | Record<string, unknown>, id: string = crypto.randomUUID()) {
    const event: StoredEvent = {
      id,
      position: 1,
      source: type.startsWith('usage.') ? 'analytics' : 'billing',
      tenantId,
      type,
      aggregateType: 'customer',
      aggregateId: String((payload as { customerId?: string }).customerId),
      payload,
      occurredAt: clock.now,
    };
    await inScope(database.db, { tenantId, accountId: null }, (tx) => consumer.handle(tx, event));
    return event;
  }

  /** The tenant's outbox, oldest first. */
  const outbox = (tenantId: string, type?: string) => outboxRows(database.db, cs.outbox, tenantId, type);

  /** Fans the tenant's not yet published outbox events out to live subscribers. */
  async function publishOutbox(tenantId: string): Promise<number> {
    const after = published.get(tenantId) ?? 0;
    const rows = await inScope(database.db, { tenantId, accountId: null }, (tx) =>
      tx
        .select()
        .from(cs.outbox)
        .where(and(gt(cs.outbox.position, after)))
        .orderBy(asc(cs.outbox.position)),
    );
    for (const r of rows) {
      live.publish({ ...r, source: 'customer_success', payload: r.payload });
      published.set(tenantId, r.position);
    }
    return rows.length;
  }

  /** Starts a subscription directly against the schema with a context built like the runtime's. */
  async function subscription(identity: Identity, query: string, variables?: Record<string, unknown>) {
    const contextValue = await definition.createContext({ identity, requestId: identity.requestId, logger });
    const result = await subscribe({ schema: definition.schema, document: parse(query) as DocumentNode, contextValue, variableValues: variables });
    if (!(Symbol.asyncIterator in result)) {
      // Formatted as the subgraph edge formats errors (domain errors keep their code).
      const errors: GraphQLFormattedError[] = (result.errors ?? []).map((e) => formatSubgraphError(e.toJSON(), e));
      return { error: { errors }, iterator: null };
    }
    return { error: null, iterator: result as AsyncGenerator<ExecutionResult> };
  }

  return {
    database,
    clock,
    live,
    definition,
    runtime,
    tenant: testTenant,
    gql,
    ok,
    deliver,
    outbox,
    publishOutbox,
    subscription,
    async close() {
      await runtime.stop();
      await database.close();
      await testDb.drop();
    },
  };
}
export type TestSubgraph = Awaited<ReturnType<typeof startCustomerSuccess>>;

/** Creates a customer through GraphQL and returns its id. */
export async function createCustomer(env: TestSubgraph, identity: Identity, input: Record<string, unknown> = {}): Promise<string> {
  const data = await env.ok<{ createCustomer: { __typename: string; id: string } }>(
    identity,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename ... on Customer { id } ... on Error { message } } }`,
    { input: { name: `Acme ${crypto.randomUUID().slice(0, 6)}`, segment: 'SMB', ...input } },
  );
  if (data.createCustomer.__typename !== 'Customer') throw new Error(`createCustomer failed: ${JSON.stringify(data.createCustomer)}`);
  return data.createCustomer.id;
}

/** A usage.recorded@1 payload over the 30 days before `at`. */
export function usagePayload(customerId: string, at: Date, overrides: Partial<EventPayload<'usage.recorded@1'>> = {}): EventPayload<'usage.recorded@1'> {
  return {
    customerId,
    periodStart: new Date(at.getTime() - 30 * DAY).toISOString(),
    periodEnd: at.toISOString(),
    dailyActiveUsers: 20,
    weeklyActiveUsers: 30,
    monthlyActiveUsers: 40,
    licensedSeats: 50,
    eventCount: 10_000,
    sessionCount: 480,
    featuresUsed: ['reports', 'dashboards', 'alerts', 'exports', 'api', 'sso'],
    featuresAvailable: 10,
    lastActivityAt: at.toISOString(),
    ...overrides,
  };
}
