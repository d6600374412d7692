/**
 * The KPI statement (docs/analytics/trends-and-kpis.md, "KPIs"): the current
 * and previous range side by side, every event figure from one pass over the
 * events since the earliest window (the previous range or the previous MAU
 * window) and the revenue figures from `revenue_events` in one currency.
 *
 * The pass groups events by (user, customer, part, chunk of 64 days): part
 * says which range an event is in (current, previous, or only the MAU
 * look-back), and the days the user was active are the bits of a bigint. The
 * result has about one row per user and part, from which the users, customers,
 * user-days (for AVERAGE_DAU: a bit count, not a DISTINCT per day), events and
 * API calls are small aggregations. The pass reads `customer_id` and `name`,
 * so it reads the table (by the time index), not an index only.
 */
import { type SQL, sql } from 'drizzle-orm';
import { MASK_BITS } from './trend-buckets.js';

export interface KpiWindows {
  current: { from: Date; to: Date };
  previous: { from: Date; to: Date };
  /** MAU looks back this many days from each range's end. */
  mauDays: number;
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** One row: `<figure>_cur` and `<figure>_prev` for every figure (dau_days: user-days, the numerator of AVERAGE_DAU). */
export function kpiSql(q: { tenantId: string; apiCallEvent: string; currency: string; windows: KpiWindows }): SQL {
  const { current, previous, mauDays } = q.windows;
  const mauCurrentFrom = new Date(current.to.getTime() - mauDays * 86_400_000);
  const mauPreviousFrom = new Date(previous.to.getTime() - mauDays * 86_400_000);
  const scanFrom = new Date(Math.min(previous.from.getTime(), mauPreviousFrom.getTime()));
  const scanDays = Math.ceil((current.to.getTime() - scanFrom.getTime()) / 86_400_000) + 1;
  // One chunk (the usual case: a range of up to 32 days) keeps the chunk out of the grouping key.
  const chunk = scanDays <= MASK_BITS ? sql`0` : sql`day / ${MASK_BITS}::int`;
  return sql`
    WITH base AS MATERIALIZED (
      SELECT distinct_id, customer_id, part, ${chunk} AS chunk,
        bit_or(1::int8 << (day % ${MASK_BITS}::int)) AS days,
        count(*) AS events,
        count(*) FILTER (WHERE name = ${q.apiCallEvent}) AS api,
        bool_or(occurred_at >= ${at(mauCurrentFrom)}) AS mau_cur,
        bool_or(occurred_at >= ${at(mauPreviousFrom)} AND occurred_at < ${at(previous.to)}) AS mau_prev
      FROM (
        -- part: 2 current range, 1 previous range, 0 only the previous MAU window; day: UTC days since the scan's first
        SELECT distinct_id, customer_id, name, occurred_at,
          CASE WHEN occurred_at >= ${at(current.from)} THEN 2 WHEN occurred_at >= ${at(previous.from)} THEN 1 ELSE 0 END AS part,
          (occurred_at AT TIME ZONE 'UTC')::date - ${scanFrom.toISOString().slice(0, 10)}::date AS day
        FROM analytics.events
        WHERE tenant_id = ${q.tenantId}::uuid AND occurred_at >= ${at(scanFrom)} AND occurred_at < ${at(current.to)}
        OFFSET 0 -- computes part and day once per event instead of once per use
      ) e
      GROUP BY 1, 2, 3, 4
    ), users AS (
      SELECT bool_or(part = 2) AS cur, bool_or(part = 1) AS prev, bool_or(mau_cur) AS mau_cur, bool_or(mau_prev) AS mau_prev
      FROM base GROUP BY distinct_id
    ), user_days AS (
      -- a user's days in one part and chunk, whatever the customer
      SELECT part, bit_count(bit_or(days)::bit(64)) AS days FROM base WHERE part > 0 GROUP BY distinct_id, part, chunk
    ), customers AS (
      SELECT bool_or(part = 2) AS cur, bool_or(part = 1) AS prev FROM base WHERE customer_id IS NOT NULL GROUP BY customer_id
    ), revenue AS (
      SELECT coalesce(sum(amount_minor) FILTER (WHERE paid_at >= ${at(current.from)}), 0)::float8 AS revenue_cur,
        coalesce(sum(amount_minor) FILTER (WHERE paid_at < ${at(previous.to)}), 0)::float8 AS revenue_prev,
        count(DISTINCT customer_id) FILTER (WHERE paid_at >= ${at(current.from)})::float8 AS paying_cur,
        count(DISTINCT customer_id) FILTER (WHERE paid_at < ${at(previous.to)})::float8 AS paying_prev
      FROM analytics.revenue_events
      WHERE tenant_id = ${q.tenantId}::uuid AND currency = ${q.currency} AND paid_at >= ${at(previous.from)} AND paid_at < ${at(current.to)}
    )
    SELECT
      (SELECT count(*) FILTER (WHERE cur) FROM users)::float8 AS active_cur,
      (SELECT count(*) FILTER (WHERE prev) FROM users)::float8 AS active_prev,
      (SELECT count(*) FILTER (WHERE mau_cur) FROM users)::float8 AS mau_cur,
      (SELECT count(*) FILTER (WHERE mau_prev) FROM users)::float8 AS mau_prev,
      (SELECT coalesce(sum(days) FILTER (WHERE part = 2), 0) FROM user_days)::float8 AS dau_days_cur,
      (SELECT coalesce(sum(days) FILTER (WHERE part = 1), 0) FROM user_days)::float8 AS dau_days_prev,
      (SELECT coalesce(sum(events) FILTER (WHERE part = 2), 0) FROM base)::float8 AS events_cur,
      (SELECT coalesce(sum(events) FILTER (WHERE part = 1), 0) FROM base)::float8 AS events_prev,
      (SELECT coalesce(sum(api) FILTER (WHERE part = 2), 0) FROM base)::float8 AS api_cur,
      (SELECT coalesce(sum(api) FILTER (WHERE part = 1), 0) FROM base)::float8 AS api_prev,
      (SELECT count(*) FILTER (WHERE cur) FROM customers)::float8 AS customers_cur,
      (SELECT count(*) FILTER (WHERE prev) FROM customers)::float8 AS customers_prev,
      revenue.*
    FROM revenue`;
}
