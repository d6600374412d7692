/**
 * Child process of bench/gateway/run.ts: bulk-writes the tenant's customers
 * with multi-row unnest inserts, 500 per transaction, in tenant-scoped
 * transactions as the application role (row-level security applies), as
 * bench/billing/seed.ts does. Per customer:
 *  - customer-success: the customer (owner: one of the CSMs, round robin), its
 *    health inputs (a usage snapshot and an NPS response) and the health score
 *    computed from them by customer-success's own scoring function, stored as
 *    the service stores a recomputation (history row + the customer's current
 *    score), without its events, which nothing in the benchmark reads;
 *  - billing: its projection of the customer, an ACTIVE monthly subscription
 *    with one item on one of the plans' prices, and its CREATED ledger row.
 * Then VACUUM (ANALYZE) of those tables, as autovacuum would have long done.
 */

import { adminClient as postgres } from '../admin-client.js';
import { computeHealthScore, DEFAULT_HEALTH_WEIGHTS, type HealthInputs } from '@platform/customer-success/domain/index';
import { inScope, openDatabase, transactionExecutor } from '../../db/src/index.js';
import type { SeedPrice } from './setup.js';
import { answerParent } from '../child-task.js';

export interface SeedRequest {
  kind: 'seed';
  databaseUrl: string;
  tenantId: string;
  customers: number;
  csmUserIds: string[];
  prices: SeedPrice[];
}

export interface SeedResult {
  kind: 'done';
  /** Oldest first, the order `customers(first:)` lists them in. */
  customerIds: string[];
  scored: number;
  seconds: number;
}

export type SeedProgress = { kind: 'progress'; rows: number; total: number };

const CHUNK = 500;
const DAY_MS = 86_400_000;
const SEGMENTS = ['SMB', 'MID_MARKET', 'ENTERPRISE'] as const;

/** Deterministic pseudo-random integer in [0, n) for customer i and a salt (a murmur3 finaliser), so the same flags seed the same data. */
function draw(i: number, salt: number, n: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % n;
}

function healthInputsOf(i: number, now: Date): HealthInputs {
  const seats = 10 + draw(i, 1, 90);
  const monthly = Math.max(1, Math.round((seats * (20 + draw(i, 2, 80))) / 100));
  return {
    usage: {
      periodStart: new Date(now.getTime() - 30 * DAY_MS),
      periodEnd: now,
      dailyActiveUsers: Math.max(1, Math.round(monthly * 0.3)),
      weeklyActiveUsers: Math.max(1, Math.round(monthly * 0.6)),
      monthlyActiveUsers: monthly,
      licensedSeats: seats,
      eventCount: monthly * (50 + draw(i, 3, 200)),
      sessionCount: monthly * (5 + draw(i, 4, 20)),
      featuresUsed: 3 + draw(i, 5, 17),
      featuresAvailable: 20,
      lastActivityAt: new Date(now.getTime() - draw(i, 6, 20) * DAY_MS),
    },
    tickets: [],
    nps: [{ score: draw(i, 7, 11), respondedAt: new Date(now.getTime() - (1 + draw(i, 8, 90)) * DAY_MS) }],
    payments: [],
  };
}

async function seed(request: SeedRequest): Promise<SeedResult> {
  const started = Date.now();
  const now = new Date();
  const database = await openDatabase({ databaseUrl: request.databaseUrl, migrate: false, poolSize: 2 });
  const { tenantId } = request;
  const N = request.customers;
  const customerIds = Array.from({ length: N }, () => crypto.randomUUID());
  let scored = 0;

  for (let from = 0; from < N; from += CHUNK) {
    const rows = Array.from({ length: Math.min(N, from + CHUNK) - from }, (_, k) => {
      const i = from + k;
      const inputs = healthInputsOf(i, now);
      const health = computeHealthScore(inputs, DEFAULT_HEALTH_WEIGHTS, null, now);
      const price = request.prices[i % request.prices.length]!;
      const quantity = 1 + draw(i, 9, 25);
      const periodStart = new Date(now.getTime() - draw(i, 10, 28) * DAY_MS);
      const periodEnd = new Date(periodStart);
      periodEnd.setUTCMonth(periodEnd.getUTCMonth() + 1);
      return {
        id: customerIds[i]!,
        name: `Customer ${i + 1}`,
        domain: `customer-${i + 1}.example.com`,
        segment: SEGMENTS[i % SEGMENTS.length]!,
        owner: request.csmUserIds[i % request.csmUserIds.length]!,
        // One second apart, oldest first: the listing order is the seeding order.
        createdAt: new Date(now.getTime() - (N - i) * 1000).toISOString(),
        inputs,
        health,
        healthScoreId: health.score === null ? null : crypto.randomUUID(),
        subscriptionId: crypto.randomUUID(),
        priceId: price.id,
        quantity,
        mrr: price.model === 'PER_SEAT' ? price.unitAmount * quantity : price.unitAmount,
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
      };
    });
    const scoredRows = rows.filter((r) => r.healthScoreId !== null);
    scored += scoredRows.length;
    const col = <T>(of: (r: (typeof rows)[number]) => T) => rows.map(of);
    const scoredCol = <T>(of: (r: (typeof rows)[number]) => T) => scoredRows.map(of);

    await inScope(database.db, { tenantId, accountId: null }, async (tx) => {
      const sql = transactionExecutor(tx);
      await sql.executeSql(
        `INSERT INTO customer_success.customers (id, tenant_id, name, domain, segment, lifecycle_stage, owner_user_id,
           health_score_id, health_score, health_band, health_trend, health_computed_at, created_at, updated_at)
         SELECT id, $1, name, domain, segment, 'ACTIVE', owner, score_id, score, band, trend,
           CASE WHEN score IS NULL THEN NULL ELSE $2::timestamptz END, created_at::timestamptz, created_at::timestamptz
         FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::uuid[], $9::int[], $10::text[], $11::text[], $12::text[])
           AS v(id, name, domain, segment, owner, score_id, score, band, trend, created_at)`,
        [
          tenantId,
          now.toISOString(),
          col((r) => r.id),
          col((r) => r.name),
          col((r) => r.domain),
          col((r) => r.segment),
          col((r) => r.owner),
          col((r) => r.healthScoreId),
          col((r) => r.health.score),
          col((r) => r.health.band),
          col((r) => (r.health.score === null ? null : r.health.trend)),
          col((r) => r.createdAt),
        ],
      );
      await sql.executeSql(
        `INSERT INTO customer_success.health_scores (id, tenant_id, customer_id, score, band, trend, factors, risk_factors, recommendations, weights, cause, computed_at)
         SELECT id, $1, customer_id, score, band, trend, factors::jsonb, risks::jsonb, recommendations::jsonb, $2::jsonb, 'bench.seed', $3::timestamptz
         FROM unnest($4::uuid[], $5::uuid[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
           AS v(id, customer_id, score, band, trend, factors, risks, recommendations)`,
        [
          tenantId,
          JSON.stringify(DEFAULT_HEALTH_WEIGHTS),
          now.toISOString(),
          scoredCol((r) => r.healthScoreId),
          scoredCol((r) => r.id),
          scoredCol((r) => r.health.score),
          scoredCol((r) => r.health.band),
          scoredCol((r) => r.health.trend),
          scoredCol((r) => JSON.stringify(r.health.factors)),
          scoredCol((r) => JSON.stringify(r.health.riskFactors)),
          scoredCol((r) => JSON.stringify(r.health.recommendations)),
        ],
      );
      const usage = (of: (u: NonNullable<HealthInputs['usage']>) => unknown) => col((r) => of(r.inputs.usage!));
      await sql.executeSql(
        `INSERT INTO customer_success.usage_snapshots (customer_id, tenant_id, period_start, period_end, daily_active_users, weekly_active_users,
           monthly_active_users, licensed_seats, event_count, session_count, features_used, features_available, last_activity_at, source_occurred_at)
         SELECT customer_id, $1, period_start::timestamptz, period_end::timestamptz, dau, wau, mau, seats, events, sessions,
           array_fill('feature'::text, ARRAY[features]), 20, last_activity::timestamptz, period_end::timestamptz
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::text[])
           AS v(customer_id, period_start, period_end, dau, wau, mau, seats, events, sessions, features, last_activity)`,
        [
          tenantId,
          col((r) => r.id),
          usage((u) => u.periodStart.toISOString()),
          usage((u) => u.periodEnd.toISOString()),
          usage((u) => u.dailyActiveUsers),
          usage((u) => u.weeklyActiveUsers),
          usage((u) => u.monthlyActiveUsers),
          usage((u) => u.licensedSeats),
          usage((u) => u.eventCount),
          usage((u) => u.sessionCount),
          usage((u) => u.featuresUsed),
          usage((u) => u.lastActivityAt!.toISOString()),
        ],
      );
      await sql.executeSql(
        `INSERT INTO customer_success.nps_responses (tenant_id, customer_id, score, responded_at)
         SELECT $1, customer_id, score, responded_at::timestamptz FROM unnest($2::uuid[], $3::int[], $4::text[]) AS v(customer_id, score, responded_at)`,
        [tenantId, col((r) => r.id), col((r) => r.inputs.nps[0]!.score), col((r) => r.inputs.nps[0]!.respondedAt.toISOString())],
      );

      await sql.executeSql(
        `INSERT INTO billing.customers (id, tenant_id, name, currency, updated_at)
         SELECT id, $1, name, 'USD', now() FROM unnest($2::uuid[], $3::text[]) AS v(id, name)`,
        [tenantId, col((r) => r.id), col((r) => r.name)],
      );
      await sql.executeSql(
        `INSERT INTO billing.subscriptions (id, tenant_id, customer_id, currency, status, billing_cycle_anchor, interval, interval_count,
           current_period_start, current_period_end, mrr_minor, created_at, updated_at)
         SELECT id, $1, customer_id, 'USD', 'ACTIVE', period_start::timestamptz, 'MONTH', 1, period_start::timestamptz, period_end::timestamptz, mrr,
           period_start::timestamptz, period_start::timestamptz
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[]) AS v(id, customer_id, period_start, period_end, mrr)`,
        [tenantId, col((r) => r.subscriptionId), col((r) => r.id), col((r) => r.periodStart), col((r) => r.periodEnd), col((r) => r.mrr)],
      );
      await sql.executeSql(
        `INSERT INTO billing.subscription_items (tenant_id, subscription_id, price_id, quantity, created_at)
         SELECT $1, subscription_id, price_id, quantity, created_at::timestamptz
         FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::text[]) AS v(subscription_id, price_id, quantity, created_at)`,
        [tenantId, col((r) => r.subscriptionId), col((r) => r.priceId), col((r) => r.quantity), col((r) => r.periodStart)],
      );
      await sql.executeSql(
        `INSERT INTO billing.subscription_changes (tenant_id, subscription_id, customer_id, kind, from_status, to_status, reason, currency,
           mrr_before_minor, mrr_after_minor, occurred_at)
         SELECT $1, subscription_id, customer_id, 'CREATED', NULL, 'ACTIVE', 'created', 'USD', 0, mrr, occurred_at::timestamptz
         FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::text[]) AS v(subscription_id, customer_id, mrr, occurred_at)`,
        [tenantId, col((r) => r.subscriptionId), col((r) => r.id), col((r) => r.mrr), col((r) => r.periodStart)],
      );
    });
    process.send?.({ kind: 'progress', rows: from + rows.length, total: N } satisfies SeedProgress);
  }
  await inScope(database.db, { tenantId, accountId: null }, (tx) =>
    transactionExecutor(tx).executeSql('UPDATE billing.prices SET used_at = $1 WHERE used_at IS NULL', [now.toISOString()]),
  );
  await database.close();

  const admin = postgres(request.databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(
    `VACUUM (ANALYZE) customer_success.customers, customer_success.health_scores, customer_success.usage_snapshots, customer_success.nps_responses,
       billing.customers, billing.subscriptions, billing.subscription_items, billing.subscription_changes, billing.prices, billing.plans,
       tenancy.users, tenancy.accounts`,
  );
  await admin.end();
  return { kind: 'done', customerIds, scored, seconds: (Date.now() - started) / 1000 };
}

answerParent<SeedRequest>('seed', seed, { exitAfter: true });
