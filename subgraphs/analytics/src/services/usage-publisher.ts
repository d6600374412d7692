/**
 * Turns tracked events into the usage inputs of the health score: for every
 * customer with new events since the last run, one `usage.recorded@1` with its
 * active users, events, sessions and features over the trailing 30 days
 * (docs/analytics-methods.md, "Usage sent to customer-success"). Runs as a
 * periodic task. Claiming the dirty marks and emitting happen in one
 * transaction, so a crash publishes nothing and loses no mark; an ingest that
 * marks a customer while a run is publishing it is published again next run.
 */
import { analyticsTables as a, rowsOf, sqlArray, type Tx } from '@platform/db';
import { sql } from 'drizzle-orm';
import { type AnalyticsEvent, emitMany } from '../events/emit.js';
import { type AnalyticsDeps, asTenant, DAY_MS } from './deps.js';

/** Customers published per transaction. */
const BATCH = 500;
export const USAGE_WINDOW_DAYS = 30;

interface CustomerUsage {
  customer_id: string;
  dau: number;
  wau: number;
  mau: number;
  event_count: number;
  session_count: number;
  features: string[] | null;
  last_activity_at: string | Date | null;
}

export class UsagePublisher {
  constructor(private readonly deps: AnalyticsDeps) {}

  /** Publishes every tenant's changed customers; returns how many usage events were emitted. */
  async publishDue(): Promise<number> {
    const tenants = rowsOf<{ tenant_id: string }>(await this.deps.db.execute(sql`SELECT analytics.tenants_with_dirty_usage() AS tenant_id`));
    let published = 0;
    for (const { tenant_id } of tenants) published += await this.publishTenant(tenant_id);
    return published;
  }

  /** Publishes one tenant's changed customers, in batches. */
  async publishTenant(tenantId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await asTenant(this.deps, tenantId, (tx) => this.publishBatch(tx, tenantId));
      total += count;
      if (count < BATCH) return total;
    }
  }

  private async publishBatch(tx: Tx, tenantId: string): Promise<number> {
    const claimed = rowsOf<{ customer_id: string }>(
      await tx.execute(sql`
        DELETE FROM ${a.usageDirty} WHERE tenant_id = ${tenantId}::uuid AND customer_id IN (
          SELECT customer_id FROM ${a.usageDirty} WHERE tenant_id = ${tenantId}::uuid ORDER BY marked_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING customer_id`),
    ).map((r) => r.customer_id);
    if (claimed.length === 0) return 0;
    const now = this.deps.now();
    const start = new Date(now.getTime() - USAGE_WINDOW_DAYS * DAY_MS);
    const usage = await customerUsage(tx, tenantId, claimed, start, now);
    const featuresAvailable = await featureCount(tx, tenantId, start, now);
    const events: AnalyticsEvent<'usage.recorded@1'>[] = claimed.map((customerId) => {
      const u = usage.get(customerId);
      return {
        type: 'usage.recorded@1',
        aggregate: { type: 'customer', id: customerId },
        payload: {
          customerId,
          periodStart: start.toISOString(),
          periodEnd: now.toISOString(),
          dailyActiveUsers: Number(u?.dau ?? 0),
          weeklyActiveUsers: Number(u?.wau ?? 0),
          monthlyActiveUsers: Number(u?.mau ?? 0),
          licensedSeats: null,
          eventCount: Number(u?.event_count ?? 0),
          sessionCount: Number(u?.session_count ?? 0),
          featuresUsed: (u?.features ?? []).slice(0, 1000),
          featuresAvailable: featuresAvailable > 0 ? featuresAvailable : null,
          lastActivityAt: u?.last_activity_at ? new Date(u.last_activity_at).toISOString() : null,
        },
      };
    });
    await emitMany(tx, tenantId, events);
    return claimed.length;
  }
}

/** Features are event names; names starting with `$` are the SDK's own (`$pageview`, `$identify`) and are not features. */
async function customerUsage(tx: Tx, tenantId: string, customerIds: string[], start: Date, end: Date): Promise<Map<string, CustomerUsage>> {
  const dayAgo = new Date(end.getTime() - DAY_MS).toISOString();
  const weekAgo = new Date(end.getTime() - 7 * DAY_MS).toISOString();
  const rows = rowsOf<CustomerUsage>(
    await tx.execute(sql`
      SELECT customer_id,
        count(DISTINCT distinct_id) FILTER (WHERE occurred_at > ${dayAgo}::timestamptz)::int AS dau,
        count(DISTINCT distinct_id) FILTER (WHERE occurred_at > ${weekAgo}::timestamptz)::int AS wau,
        count(DISTINCT distinct_id)::int AS mau,
        count(*)::int AS event_count,
        count(DISTINCT session_id)::int AS session_count,
        array_agg(DISTINCT name ORDER BY name) FILTER (WHERE left(name, 1) <> '$') AS features,
        max(occurred_at) AS last_activity_at
      FROM analytics.events
      WHERE tenant_id = ${tenantId}::uuid AND customer_id = ANY(${sqlArray(customerIds)}::uuid[])
        AND occurred_at > ${start.toISOString()}::timestamptz AND occurred_at <= ${end.toISOString()}::timestamptz
      GROUP BY customer_id`),
  );
  return new Map(rows.map((r) => [r.customer_id, r]));
}

/**
 * How many features the product has, from data: the distinct feature events
 * any of the tenant's users did in the window. A skip scan over the
 * (tenant, name, time) index: one probe per name, not a scan of the window.
 */
async function featureCount(tx: Tx, tenantId: string, start: Date, end: Date): Promise<number> {
  const rows = rowsOf<{ n: number }>(
    await tx.execute(sql`
      WITH RECURSIVE names(name) AS (
        SELECT min(name) FROM analytics.events WHERE tenant_id = ${tenantId}::uuid
        UNION ALL
        SELECT (SELECT min(e.name) FROM analytics.events e WHERE e.tenant_id = ${tenantId}::uuid AND e.name > names.name)
        FROM names WHERE names.name IS NOT NULL
      )
      SELECT count(*)::int AS n FROM names
      WHERE name IS NOT NULL AND left(name, 1) <> '$' AND EXISTS (
        SELECT 1 FROM analytics.events e WHERE e.tenant_id = ${tenantId}::uuid AND e.name = names.name
          AND e.occurred_at > ${start.toISOString()}::timestamptz AND e.occurred_at <= ${end.toISOString()}::timestamptz)`),
  );
  return Number(rows[0]?.n ?? 0);
}
