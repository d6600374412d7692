/**
 * Test harness for the analytics subgraph: its own database, the services
 * around a controllable clock, the subgraph runtime behind the identity-header
 * guard (requests signed the way the gateway signs them), and helpers to seed
 * events (through the real ingestion path) and paid invoices (the way
 * billing's `invoice.paid@1` events arrive).
 */
import { analyticsTables as a, type DatabaseHandle, inScope, openDatabase, rowsOf, type StoredEvent, type Tx } from '@platform/db';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../tests/support/database.js';
import { outboxRows, startSignedRuntime, testClock, testTenant } from '../../../tests/support/subgraph-harness.js';
import { applyBillingEvent } from '../src/events/consumer.js';
import { analyticsSubgraph } from '../src/index.js';
import type { TrackResult } from '../src/services/ingest.service.js';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export type { Clock, TestTenant } from '../../../tests/support/subgraph-harness.js';

/** An event as a test writes it: `at` is a Date or ISO string; everything else as `trackEvents` takes it. */
export interface SeedEvent {
  event: string;
  distinctId: string;
  at: Date | string;
  id?: string;
  customerId?: string | null;
  sessionId?: string | null;
  properties?: Record<string, unknown>;
}

export type { GraphQLResponse } from '../../../tests/support/subgraph-client.js';

export async function startAnalytics(options: { start?: Date } = {}) {
  const testDb = await createTestDatabase();
  const database: DatabaseHandle = await openDatabase({ databaseUrl: testDb.databaseUrl });
  const clock = testClock(options.start ?? new Date('2026-06-01T00:00:00Z'));
  const live = { subscribe: () => (async function* () {})() as AsyncIterableIterator<StoredEvent> };
  // The usage publisher is run by tests when they want it (usagePublishIntervalMs 0).
  const definition = analyticsSubgraph({ db: database.db, live, now: () => clock.now, usagePublishIntervalMs: 0 });
  const services = definition.services;
  const { runtime, gql, ok } = await startSignedRuntime(definition);

  /** Stores events through the real ingestion path, in batches of 5,000; fails the test if any is rejected. */
  async function track(tenantId: string, events: readonly SeedEvent[]): Promise<TrackResult> {
    const total: TrackResult = { accepted: 0, duplicates: 0, rejected: [] };
    for (let i = 0; i < events.length; i += 5_000) {
      const batch = events.slice(i, i + 5_000).map((e) => ({
        id: e.id ?? crypto.randomUUID(),
        event: e.event,
        distinctId: e.distinctId,
        customerId: e.customerId ?? null,
        sessionId: e.sessionId ?? null,
        timestamp: typeof e.at === 'string' ? e.at : e.at.toISOString(),
        properties: e.properties ?? {},
      }));
      const result = await services.ingest.trackForTenant(tenantId, batch);
      if (result.rejected.length > 0) throw new Error(`seed events rejected: ${JSON.stringify(result.rejected.slice(0, 5))}`);
      total.accepted += result.accepted;
      total.duplicates += result.duplicates;
    }
    return total;
  }

  /** A paid invoice as billing announces it (`invoice.paid@1`), applied by analytics' consumer. */
  async function invoicePaid(tenantId: string, paid: { customerId: string; amountMinor: number; currency?: string; paidAt: Date | string; invoiceId?: string }): Promise<string> {
    const invoiceId = paid.invoiceId ?? crypto.randomUUID();
    const paidAt = typeof paid.paidAt === 'string' ? paid.paidAt : paid.paidAt.toISOString();
    const event: StoredEvent = {
      id: crypto.randomUUID(),
      position: 1,
      source: 'billing',
      tenantId,
      type: 'invoice.paid@1',
      aggregateType: 'invoice',
      aggregateId: invoiceId,
      payload: { customerId: paid.customerId, invoiceId, amountMinor: paid.amountMinor, currency: paid.currency ?? 'USD', paidAt, dueAt: null },
      occurredAt: new Date(paidAt),
    };
    await inScope(database.db, { tenantId, accountId: null }, (tx) => applyBillingEvent(tx, event));
    return invoiceId;
  }

  /** Runs work in a transaction scoped to the tenant (reading rows the API does not show). */
  function asTenant<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return inScope(database.db, { tenantId, accountId: null }, work);
  }

  /** The tenant's analytics outbox, oldest first, optionally of one event type. */
  const outbox = (tenantId: string, type?: string) => outboxRows(database.db, a.outbox, tenantId, type);

  /** The tenant's stored events (as RLS lets the tenant see them), oldest first. */
  function storedEvents(tenantId: string) {
    return asTenant(tenantId, async (tx) =>
      rowsOf<{ id: string; name: string; distinct_id: string; properties: Record<string, unknown> }>(
        await tx.execute(sql`SELECT id, name, distinct_id, properties FROM analytics.events ORDER BY occurred_at, name`),
      ),
    );
  }

  return {
    database,
    clock,
    services,
    definition,
    runtime,
    tenant: testTenant,
    track,
    invoicePaid,
    asTenant,
    outbox,
    storedEvents,
    gql,
    ok,
    async close() {
      await runtime.stop();
      await database.close();
      await testDb.drop();
    },
  };
}

export type AnalyticsHarness = Awaited<ReturnType<typeof startAnalytics>>;
