/**
 * Test harness for the billing subgraph: its own database, the services around
 * a controllable clock and the sandbox payment provider, the subgraph runtime
 * behind the identity-header guard (requests signed the way the gateway signs
 * them), and helpers to seed a tenant's customers the way customer-success's
 * events do.
 */
import { BUILT_IN_ROLES, createLogger, type Identity, startSubgraphRuntime } from '@platform/core';
import { billingTables as b, type DatabaseHandle, inScope, openDatabase, type StoredEvent, type Tx } from '@platform/db';
import { asc, eq } from 'drizzle-orm';
import { createTestDatabase } from '../../../tests/support/database.js';
import { signedSubgraphClient } from '../../../tests/support/subgraph-client.js';
import { applyCustomerEvent } from '../src/events/consumer.js';
import { billingSubgraph } from '../src/index.js';
import { createBillingServices } from '../src/services/index.js';
import { sandboxPaymentProvider } from '../src/services/payment-provider.js';

export const DAY = 86_400_000;

export interface Clock {
  now: Date;
  advance(ms: number): void;
}

export interface TestTenant {
  tenantId: string;
  /** An owner: every permission. */
  owner: Identity;
  user(scopes?: readonly string[]): Identity;
}

export type { GraphQLResponse } from '../../../tests/support/subgraph-client.js';

export async function startBilling(options: { start?: Date } = {}) {
  const testDb = await createTestDatabase();
  const database: DatabaseHandle = await openDatabase({ databaseUrl: testDb.databaseUrl });
  const clock: Clock = {
    now: options.start ?? new Date('2026-01-01T00:00:00Z'),
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const live = { subscribe: () => (async function* () {})() as AsyncIterableIterator<StoredEvent> };
  const deps = { db: database.db, live, now: () => clock.now, paymentProvider: sandboxPaymentProvider() };
  const services = createBillingServices(deps);
  const definition = billingSubgraph(deps);
  const internalSecret = `test-secret-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const runtime = await startSubgraphRuntime(definition, { internalSecret, logger });

  function tenant(): TestTenant {
    const tenantId = crypto.randomUUID();
    const user = (scopes: readonly string[] = BUILT_IN_ROLES.member): Identity => ({
      accountId: crypto.randomUUID(),
      sessionId: crypto.randomUUID(),
      tenantId,
      userId: crypto.randomUUID(),
      role: 'custom',
      scopes: [...scopes],
      authMethod: 'access_token',
      requestId: crypto.randomUUID(),
      clientIp: null,
      userAgent: null,
    });
    return { tenantId, owner: user(BUILT_IN_ROLES.owner), user };
  }

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
  function outbox(tenantId: string, type?: string) {
    return asTenant(tenantId, (tx) =>
      tx
        .select()
        .from(b.outbox)
        .where(type ? eq(b.outbox.type, type) : undefined)
        .orderBy(asc(b.outbox.position)),
    );
  }

  const { gql, ok } = signedSubgraphClient(runtime, internalSecret);

  return {
    database,
    clock,
    deps,
    services,
    definition,
    runtime,
    tenant,
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
