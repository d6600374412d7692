/**
 * Test harness for the billing subgraph: its own database, the services around
 * a controllable clock and the sandbox payment provider, the subgraph runtime
 * behind the identity-header guard (requests signed the way the gateway signs
 * them), and helpers to seed a tenant's customers the way customer-success's
 * events do.
 */
import { billingTables as b, type DatabaseHandle, inScope, openDatabase, type StoredEvent, type Tx } from '@platform/db';
import { createTestDatabase } from '../../../tests/support/database.js';
import { outboxRows, startSignedRuntime, testClock, testTenant } from '../../../tests/support/subgraph-harness.js';
import { applyCustomerEvent } from '../src/events/consumer.js';
import { billingSubgraph } from '../src/index.js';
import { sandboxPaymentProvider } from '../src/services/payment-provider.js';

export const DAY = 86_400_000;

export type { Clock, TestTenant } from '../../../tests/support/subgraph-harness.js';

export type { GraphQLResponse } from '../../../tests/support/subgraph-client.js';

export async function startBilling(options: { start?: Date } = {}) {
  const testDb = await createTestDatabase();
  const database: DatabaseHandle = await openDatabase({ databaseUrl: testDb.databaseUrl });
  const clock = testClock(options.start ?? new Date('2026-01-01T00:00:00Z'));
  const live = { subscribe: () => (async function* () {})() as AsyncIterableIterator<StoredEvent> };
  const deps = { db: database.db, live, now: () => clock.now, paymentProvider: sandboxPaymentProvider() };
  const definition = billingSubgraph(deps);
  const services = definition.services;
  const { runtime, gql, ok } = await startSignedRuntime(definition);

  /** A customer as customer-success announces it (`customer.created@1`), applied by billing's consumer. */
  async function customer(tenantId: string, name = 'Acme Corp'): Promise<string> {
    const customerId = crypto.randomUUID();
    const event: StoredEvent = {
      id: crypto.randomUUID(),
      position: 1,
      source: 'customer_success',
      tenantId,
      type: 'customer.created@1',
      aggregateType: 'customer',
      aggregateId: customerId,
      payload: { customerId, name, domain: null, segment: 'SMB', lifecycleStage: 'ACTIVE', ownerUserId: null },
      occurredAt: clock.now,
    };
    await inScope(database.db, { tenantId, accountId: null }, (tx) => applyCustomerEvent(tx, event));
    return customerId;
  }

  /** Runs work in a transaction scoped to the tenant (reading rows the API does not show). */
  function asTenant<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return inScope(database.db, { tenantId, accountId: null }, work);
  }

  /** The tenant's billing outbox, oldest first, optionally of one event type. */
  const outbox = (tenantId: string, type?: string) => outboxRows(database.db, b.outbox, tenantId, type);

  return {
    database,
    clock,
    deps,
    services,
    definition,
    runtime,
    tenant: testTenant,
    customer,
    asTenant,
    outbox,
    gql,
    ok,
    async close() {
      await runtime.stop();
      await database.close();
      await testDb.drop();
    },
  };
}

export type BillingHarness = Awaited<ReturnType<typeof startBilling>>;
