/**
 * Child process of bench/billing/run.ts: bulk-writes one tenant's billing data
 * (customers in billing's projection, ACTIVE monthly subscriptions with their
 * items and CREATED ledger rows, usage events of the metered ones inside the
 * period that just ended) with multi-row unnest inserts, in tenant-scoped
 * transactions as the application role (RLS applies, as for the services).
 * It runs in its own process so the seeding's arrays never count towards the
 * platform process's memory, and it answers with what it inserted: the usage
 * each metered item must be billed for, computed here from the seeded rows.
 * Last, it vacuums and analyses the tables it filled, as autovacuum would have
 * long done in production, so the measured run neither races autovacuum nor
 * plans with the statistics of empty tables.
 */

import { adminClient as postgres } from '../admin-client.js';
import { inScope, openDatabase, transactionExecutor } from '../../db/src/index.js';
import { type CatalogIds, eventsOf, isMetered, licensedMinor, meteredCount, PRICES, periodsEndingBefore, quantities, seatsOf } from './plan.js';
import { answerParent } from '../child-task.js';

export interface SeedRequest {
  kind: 'seed';
  databaseUrl: string;
  catalog: CatalogIds;
  subscriptions: number;
  usage: number;
  now: string;
  /** Prefix of usage identifiers (unique per tenant and meter). */
  label: string;
}

export interface SeedResult {
  kind: 'done';
  subscriptions: number;
  metered: number;
  events: number;
  /** [subscription item id, units] of every metered item: what its USAGE line must say. */
  usageByItem: [string, number][];
  /** Customers of the metered subscriptions (the ingestion clients report usage for them). */
  meteredCustomers: string[];
  expectedUsageUnits: number;
  expectedUsageMinor: number;
  expectedLicensedMinor: number;
  /** The latest period end: every seeded period ended by then. */
  latestEnd: string;
  seconds: number;
}

export type SeedProgress = { kind: 'progress'; phase: string; rows: number; total: number; rowsPerSecond: number };
export type SeedNote = { kind: 'note'; text: string };

const SUBSCRIPTION_CHUNK = 1_000;
const USAGE_CHUNK = 20_000;

async function seed(request: SeedRequest): Promise<SeedResult> {
  const started = Date.now();
  const database = await openDatabase({ databaseUrl: request.databaseUrl, migrate: false, poolSize: 2 });
  const { tenantId } = request.catalog;
  const write = (text: string, values: unknown[]) => inScope(database.db, { tenantId, accountId: null }, (tx) => transactionExecutor(tx).executeSql(text, values));
  const report = (phase: string, rows: number, total: number, since: number) =>
    process.send?.({ kind: 'progress', phase, rows, total, rowsPerSecond: rows / Math.max(0.001, (Date.now() - since) / 1000) } satisfies SeedProgress);

  const N = request.subscriptions;
  const M = meteredCount(N);
  const periodOf = periodsEndingBefore(new Date(request.now), N);
  const customerIds = Array.from({ length: N }, () => crypto.randomUUID());
  const meteredItems: { itemId: string; customerId: string; start: Date; end: Date }[] = [];
  let expectedLicensedMinor = 0;

  // Customers, subscriptions, items and ledger rows, 1,000 subscriptions per transaction.
  const subsStarted = Date.now();
  for (let from = 0; from < N; from += SUBSCRIPTION_CHUNK) {
    const to = Math.min(N, from + SUBSCRIPTION_CHUNK);
    const subs = { id: [] as string[], customer: [] as string[], start: [] as string[], end: [] as string[], mrr: [] as number[] };
    const items = { id: [] as string[], subscription: [] as string[], price: [] as string[], quantity: [] as number[], at: [] as string[] };
    for (let i = from; i < to; i++) {
      const id = crypto.randomUUID();
      const { start, end } = periodOf(i);
      const mrr = licensedMinor(i);
      expectedLicensedMinor += mrr;
      subs.id.push(id);
      subs.customer.push(customerIds[i]!);
      subs.start.push(start.toISOString());
      subs.end.push(end.toISOString());
      subs.mrr.push(mrr);
      const addItem = (price: string, quantity: number) => {
        const itemId = crypto.randomUUID();
        items.id.push(itemId);
        items.subscription.push(id);
        items.price.push(price);
        items.quantity.push(quantity);
        items.at.push(start.toISOString());
        return itemId;
      };
      if (isMetered(i)) {
        addItem(request.catalog.platformPriceId, 1);
        meteredItems.push({ itemId: addItem(request.catalog.meteredPriceId, 1), customerId: customerIds[i]!, start, end });
      } else {
        addItem(request.catalog.seatPriceId, seatsOf(i));
      }
    }
    await inScope(database.db, { tenantId, accountId: null }, async (tx) => {
      const sql = transactionExecutor(tx);
      await sql.executeSql(
        `INSERT INTO billing.customers (id, tenant_id, name, currency, updated_at)
         SELECT id, $1, 'Customer ' || n, 'USD', now() FROM unnest($2::uuid[], $3::int[]) AS v(id, n)`,
        [tenantId, customerIds.slice(from, to), subs.id.map((_, k) => from + k)],
      );
      await sql.executeSql(
        `INSERT INTO billing.subscriptions (id, tenant_id, customer_id, currency, status, billing_cycle_anchor, interval, interval_count,
           current_period_start, current_period_end, mrr_minor, created_at, updated_at)
         SELECT id, $1, customer_id, 'USD', 'ACTIVE', period_start::timestamptz, 'MONTH', 1, period_start::timestamptz, period_end::timestamptz, mrr,
           period_start::timestamptz, period_start::timestamptz
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[]) AS v(id, customer_id, period_start, period_end, mrr)`,
        [tenantId, subs.id, subs.customer, subs.start, subs.end, subs.mrr],
      );
      await sql.executeSql(
        `INSERT INTO billing.subscription_items (id, tenant_id, subscription_id, price_id, quantity, created_at)
         SELECT id, $1, subscription_id, price_id, quantity, created_at::timestamptz
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::text[]) AS v(id, subscription_id, price_id, quantity, created_at)`,
        [tenantId, items.id, items.subscription, items.price, items.quantity, items.at],
      );
      await sql.executeSql(
        `INSERT INTO billing.subscription_changes (tenant_id, subscription_id, customer_id, kind, from_status, to_status, reason, currency,
           mrr_before_minor, mrr_after_minor, occurred_at)
         SELECT $1, subscription_id, customer_id, 'CREATED', NULL, 'ACTIVE', 'created', 'USD', 0, mrr, occurred_at::timestamptz
         FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::text[]) AS v(subscription_id, customer_id, mrr, occurred_at)`,
        [tenantId, subs.id, subs.customer, subs.mrr, subs.start],
      );
    });
    report('subscriptions (+ customers, items, ledger)', to, N, subsStarted);
  }
  await write('UPDATE billing.prices SET used_at = $1 WHERE used_at IS NULL', [request.now]);

  // Usage: each metered subscription's events spread evenly over its period, 20,000 rows per statement.
  const usageByItem: [string, number][] = [];
  let expectedUsageUnits = 0;
  const nextQuantity = quantities(42);
  const usageStarted = Date.now();
  let written = 0;
  let chunk = { customer: [] as string[], identifier: [] as string[], quantity: [] as number[], at: [] as string[] };
  const flush = async () => {
    if (chunk.customer.length === 0) return;
    await write(
      `INSERT INTO billing.usage_events (tenant_id, meter_id, customer_id, identifier, quantity, occurred_at, received_at)
       SELECT $1, $2, customer_id, identifier, quantity, occurred_at::timestamptz, occurred_at::timestamptz
       FROM unnest($3::uuid[], $4::text[], $5::bigint[], $6::text[]) AS v(customer_id, identifier, quantity, occurred_at)`,
      [tenantId, request.catalog.meterId, chunk.customer, chunk.identifier, chunk.quantity, chunk.at],
    );
    written += chunk.customer.length;
    chunk = { customer: [], identifier: [], quantity: [], at: [] };
    report('usage events', written, request.usage, usageStarted);
  };
  for (const [m, item] of meteredItems.entries()) {
    const n = eventsOf(m, M, request.usage);
    const span = item.end.getTime() - item.start.getTime();
    let units = 0;
    for (let k = 0; k < n; k++) {
      const quantity = nextQuantity();
      units += quantity;
      chunk.customer.push(item.customerId);
      chunk.identifier.push(`${request.label}-${m}-${k}`);
      chunk.quantity.push(quantity);
      chunk.at.push(new Date(item.start.getTime() + Math.floor(((k + 0.5) * span) / n)).toISOString());
      if (chunk.customer.length >= USAGE_CHUNK) await flush();
    }
    usageByItem.push([item.itemId, units]);
    expectedUsageUnits += units;
  }
  await flush();
  await database.close();
  const vacuumStarted = Date.now();
  const admin = postgres(request.databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe('VACUUM (ANALYZE) billing.usage_events, billing.subscriptions, billing.subscription_items, billing.customers, billing.subscription_changes');
  await admin.end();
  process.send?.({ kind: 'note', text: `VACUUM (ANALYZE) of the seeded tables in ${((Date.now() - vacuumStarted) / 1000).toFixed(1)} s` } satisfies SeedNote);
  return {
    kind: 'done',
    subscriptions: N,
    metered: M,
    events: written,
    usageByItem,
    meteredCustomers: meteredItems.map((m) => m.customerId),
    expectedUsageUnits,
    expectedUsageMinor: expectedUsageUnits * PRICES.perCallMinor,
    expectedLicensedMinor,
    latestEnd: periodOf(0).end.toISOString(),
    seconds: (Date.now() - started) / 1000,
  };
}

answerParent<SeedRequest>('seed', seed, { exitAfter: true });
