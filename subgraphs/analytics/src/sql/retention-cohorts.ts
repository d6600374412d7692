/**
 * The SQL of retention and cohort LTV (docs/analytics/retention-and-ltv.md,
 * "SQL"). Periods are numbered from the first cohort's start (0 … periods − 1).
 * Each actor's periods with a return event are the bits of one bigint
 * (`bit_or`, periods ≤ 52), so the table is one aggregation per actor over
 * `(tenant_id, name, occurred_at) INCLUDE (distinct_id)` (index-only for users
 * without property filters) and a join of members with their masks.
 */
import { rowsOf, type Tx } from '@platform/db';
import { type SQL, sql } from 'drizzle-orm';
import type { RetentionPeriod } from '../domain/retention-periods.js';
import { addBuckets } from '../domain/time-buckets.js';
import type { PropertyFilter } from '../services/query-inputs.js';
import { allProperties } from './property-filters.js';
import { bucketIndex } from './trend-buckets.js';

export type RetentionType = 'FIRST_TIME' | 'RECURRING';
export type RetentionAggregation = 'USER' | 'CUSTOMER';

export interface CohortScan {
  tenantId: string;
  startEvent: string;
  returnEvent: string;
  period: RetentionPeriod;
  periods: number;
  /** Start of the first cohort. */
  first: Date;
  /** Events after this instant are ignored. */
  end: Date;
  type: RetentionType;
  aggregateBy: RetentionAggregation;
  filters: readonly PropertyFilter[];
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Who an event counts for: the user, or the customer (events without one are left out). */
function actor(scan: CohortScan): SQL {
  return scan.aggregateBy === 'USER' ? sql`distinct_id` : sql`customer_id`;
}

function eventsNamed(scan: CohortScan, name: string): SQL {
  return sql`tenant_id = ${scan.tenantId}::uuid AND name = ${name}
    ${scan.aggregateBy === 'CUSTOMER' ? sql`AND customer_id IS NOT NULL` : sql``}
    AND occurred_at <= ${at(scan.end)} AND ${allProperties(scan.filters)}`;
}

/**
 * Cohort members as (actor, k), k the cohort's period index. FIRST_TIME: the
 * period of the actor's first start event over all history, if that is in the
 * window. RECURRING: every period of the window with a start event.
 */
function membersSql(scan: CohortScan): SQL {
  if (scan.type === 'FIRST_TIME') {
    return sql`
      SELECT actor, ${bucketIndex(scan.period, scan.first, sql`first_at`)} AS k
      FROM (SELECT ${actor(scan)} AS actor, min(occurred_at) AS first_at FROM analytics.events
            WHERE ${eventsNamed(scan, scan.startEvent)} GROUP BY 1) f
      WHERE first_at >= ${at(scan.first)}`;
  }
  return sql`
    SELECT DISTINCT ${actor(scan)} AS actor, ${bucketIndex(scan.period, scan.first)} AS k
    FROM analytics.events WHERE ${eventsNamed(scan, scan.startEvent)} AND occurred_at >= ${at(scan.first)}`;
}

/** Rows (k, offset, count): offset 0 is the cohort's size; offset n ≥ 1 the members with a return event n periods later. */
export async function retentionCounts(tx: Tx, scan: CohortScan): Promise<{ k: number; offset: number; count: number }[]> {
  const firstReturn = addBuckets(scan.first, scan.period, 1);
  const result = await tx.execute(sql`
    WITH members AS MATERIALIZED (${membersSql(scan)}),
    returns AS (
      SELECT ${actor(scan)} AS actor, bit_or(1::int8 << ${bucketIndex(scan.period, scan.first)}) AS mask
      FROM analytics.events WHERE ${eventsNamed(scan, scan.returnEvent)} AND occurred_at >= ${at(firstReturn)}
        -- only members can return: a hash semi-join drops the others before the aggregation
        AND ${actor(scan)} IN (SELECT actor FROM members)
      GROUP BY 1
    )
    SELECT k, 0 AS "offset", count(*)::int AS count FROM members GROUP BY k
    UNION ALL
    SELECT m.k, n.o, count(*)::int
    FROM members m JOIN returns r ON r.actor = m.actor
      JOIN generate_series(1, ${scan.periods - 1}::int) AS n(o) ON m.k + n.o < ${scan.periods}::int
    WHERE (r.mask >> (m.k + n.o)) & 1 = 1
    GROUP BY m.k, n.o`);
  return rowsOf<{ k: number; offset: number; count: number }>(result).map((r) => ({ k: Number(r.k), offset: Number(r.offset), count: Number(r.count) }));
}

export interface LtvRows {
  /** Revenue of cohort k's customers paid in offset period n (n ≥ 0, from the cohort's start). */
  byOffset: { k: number; offset: number; amount: number }[];
  /** Lifetime revenue (everything paid up to the end) of each distinct member customer, zeros included. */
  lifetimes: number[];
}

/** Cohort revenue of customer cohorts (aggregateBy CUSTOMER) from `revenue_events` in one currency, minor units. */
export async function ltvRows(tx: Tx, scan: CohortScan, currency: string): Promise<LtvRows> {
  const result = await tx.execute(sql`
    WITH members AS MATERIALIZED (${membersSql(scan)}),
    revenue AS MATERIALIZED (
      SELECT customer_id, paid_at, amount_minor FROM analytics.revenue_events
      WHERE tenant_id = ${scan.tenantId}::uuid AND currency = ${currency} AND paid_at <= ${at(scan.end)}
    )
    SELECT 'period' AS kind, m.k, (${bucketIndex(scan.period, scan.first, sql`r.paid_at`)} - m.k) AS "offset", sum(r.amount_minor)::float8 AS amount
    FROM members m JOIN revenue r ON r.customer_id = m.actor
    WHERE r.paid_at >= ${at(scan.first)} AND ${bucketIndex(scan.period, scan.first, sql`r.paid_at`)} >= m.k
    GROUP BY 2, 3
    UNION ALL
    SELECT 'lifetime', NULL, NULL, coalesce(sum(r.amount_minor), 0)::float8
    FROM (SELECT DISTINCT actor FROM members) c LEFT JOIN revenue r ON r.customer_id = c.actor
    GROUP BY c.actor`);
  const rows = rowsOf<{ kind: string; k: number | null; offset: number | null; amount: number }>(result);
  return {
    byOffset: rows.filter((r) => r.kind === 'period').map((r) => ({ k: Number(r.k), offset: Number(r.offset), amount: Number(r.amount) })),
    lifetimes: rows.filter((r) => r.kind === 'lifetime').map((r) => Number(r.amount)),
  };
}
