/**
 * The SQL of one trend series, one statement per series (docs/analytics/
 * trends-and-kpis.md, "SQL"). Buckets are UTC (`date_trunc` on the naive UTC
 * time) and every bucket of the grid comes back, zero-filled by
 * `generate_series`. Without property filters each statement reads only the
 * covering indexes: `(tenant_id, occurred_at) INCLUDE (distinct_id)` for all
 * events, `(tenant_id, name, occurred_at) INCLUDE (distinct_id)` for one event.
 */
import { rowsOf, type Tx } from '@platform/db';
import { type SQL, sql } from 'drizzle-orm';
import { addBuckets, type BucketGrid, bucketStarts, type Interval, SQL_STEP, SQL_UNIT } from '../domain/time-buckets.js';
import type { PropertyFilter } from '../services/query-inputs.js';
import { allProperties } from './property-filters.js';

const DAY_MS = 86_400_000;
import { bit, bucketIndex, bucketOf, epochMs, int8Bits, MASK_BITS, utc } from './trend-buckets.js';

export interface SeriesScan {
  tenantId: string;
  /** One event name, or null for every event. */
  event: string | null;
  filters: readonly PropertyFilter[];
  interval: Interval;
  /** Events in [from, to) count. */
  from: Date;
  to: Date;
  grid: BucketGrid;
}

/** The scan's tenant, event and filters (the explicit tenant condition lets the planner use the indexes). */
function eventsOf(scan: SeriesScan): SQL {
  return sql`tenant_id = ${scan.tenantId}::uuid ${scan.event === null ? sql`` : sql`AND name = ${scan.event}`} AND ${allProperties(scan.filters)}`;
}

/** The scan's events between two instants. */
function eventsBetween(scan: SeriesScan, from: Date, to: Date): SQL {
  return sql`${eventsOf(scan)} AND occurred_at >= ${from.toISOString()}::timestamptz AND occurred_at < ${to.toISOString()}::timestamptz`;
}

function gridSeries(scan: SeriesScan): SQL {
  return sql`generate_series(${utc(scan.grid.first)}, ${utc(scan.grid.last)}, '${sql.raw(SQL_STEP[scan.interval])}'::interval) AS g(bucket)`;
}

/** Values per grid bucket, in grid order, from rows keyed by the bucket's epoch milliseconds. */
function inGridOrder(scan: SeriesScan, rows: { ms: number; value: number }[]): number[] {
  const byMs = new Map(rows.map((r) => [Number(r.ms), Number(r.value)]));
  return bucketStarts(scan.grid, scan.interval).map((start) => byMs.get(start.getTime()) ?? 0);
}

/** TOTAL: events per bucket. */
export async function totalEvents(tx: Tx, scan: SeriesScan): Promise<number[]> {
  const result = await tx.execute(sql`
    WITH counts AS (
      SELECT ${bucketOf(scan.interval)} AS bucket, count(*) AS value
      FROM analytics.events WHERE ${eventsBetween(scan, scan.from, scan.to)}
      GROUP BY 1
    )
    SELECT ${epochMs(sql`g.bucket`)} AS ms, coalesce(c.value, 0)::float8 AS value
    FROM ${gridSeries(scan)} LEFT JOIN counts c ON c.bucket = g.bucket
    ORDER BY g.bucket`);
  return inGridOrder(scan, rowsOf<{ ms: number; value: number }>(result));
}

/**
 * UNIQUE_USERS: distinct users per bucket, and over the whole range, from one
 * aggregation by (user, chunk of 64 buckets): each row keeps the buckets the
 * user was active in as the bits of a bigint (`bit_or`), so the points are
 * counts of rows with bit i set, and the total the users. One hash
 * aggregation over the index-only scan instead of a DISTINCT per bucket plus
 * one for the range (docs/analytics/trends-and-kpis.md has the measurements).
 */
export async function uniqueUsers(tx: Tx, scan: SeriesScan): Promise<{ points: number[]; total: number }> {
  const chunks = Math.ceil(scan.grid.count / MASK_BITS);
  // Only the bits a chunk can have: each FILTER is evaluated for every user.
  const columns = Array.from({ length: Math.min(MASK_BITS, scan.grid.count) }, (_, i) => sql`count(*) FILTER (WHERE mask & ${bit(i)} <> 0)::float8 AS ${sql.identifier(`b${i}`)}`);
  const idx = bucketIndex(scan.interval, scan.grid.first);
  // With one chunk (up to 64 buckets, the usual case) the chunk is left out of the grouping key.
  const result = await tx.execute(
    chunks === 1
      ? sql`
        WITH per_user AS (
          SELECT bit_or(1::int8 << ${idx}) AS mask FROM analytics.events WHERE ${eventsBetween(scan, scan.from, scan.to)} GROUP BY distinct_id
        )
        SELECT 0 AS chunk, ${sql.join(columns, sql`, `)}, count(*)::float8 AS total FROM per_user`
      : sql`
        WITH per_user AS MATERIALIZED (
          SELECT distinct_id, idx / ${MASK_BITS}::int AS chunk, bit_or(1::int8 << (idx % ${MASK_BITS}::int)) AS mask
          FROM (SELECT distinct_id, ${idx} AS idx FROM analytics.events WHERE ${eventsBetween(scan, scan.from, scan.to)}) e
          GROUP BY 1, 2
        )
        SELECT chunk, ${sql.join(columns, sql`, `)}, (SELECT count(*) FROM (SELECT DISTINCT distinct_id FROM per_user) u)::float8 AS total
        FROM per_user GROUP BY chunk`,
  );
  const rows = rowsOf<Record<string, number>>(result);
  const points = new Array<number>(scan.grid.count).fill(0);
  for (const row of rows) {
    const chunk = Number(row.chunk);
    for (let i = 0; i < MASK_BITS && chunk * MASK_BITS + i < points.length; i++) points[chunk * MASK_BITS + i] = Number(row[`b${i}`] ?? 0);
  }
  return { points, total: Number(rows[0]?.total ?? 0) };
}

/**
 * WEEKLY/MONTHLY_ACTIVE_USERS at DAY, WEEK or MONTH interval: for each bucket,
 * the users active in the `windowDays` days before the bucket's end (its end
 * clipped to `to`). Every window but the last ends at a UTC midnight, so it is
 * a run of whole days: per user, the active days become bits of bigints (one
 * per chunk of windows spanning at most 64 days) and a window counts the users
 * whose mask meets the window's run of bits. The last window, which may end
 * mid-day at `to`, is a plain flag. One pass over the events.
 */
export async function rollingActiveUsersByDay(tx: Tx, scan: SeriesScan, windowDays: number): Promise<number[]> {
  const starts = bucketStarts(scan.grid, scan.interval);
  const n = starts.length;
  const dayNo = (at: Date) => Math.floor(at.getTime() / DAY_MS);
  const lastEnd = new Date(Math.min(addBuckets(starts[n - 1]!, scan.interval, 1).getTime(), scan.to.getTime()));
  const lastStart = new Date(lastEnd.getTime() - windowDays * DAY_MS);
  // Aligned windows j < n − 1 end on day ends[j] (exclusive) and cover [ends[j] − windowDays, ends[j]).
  const ends = starts.slice(1).map(dayNo);
  const chunks: { origin: number; windows: number[] }[] = [];
  ends.forEach((end, j) => {
    const current = chunks.at(-1);
    if (current && end - current.origin <= MASK_BITS) current.windows.push(j);
    else chunks.push({ origin: end - windowDays, windows: [j] });
  });
  const scanFrom = new Date(Math.min(lastStart.getTime(), ...chunks.map((c) => c.origin * DAY_MS)));
  const base = dayNo(scanFrom);
  const day = sql`((occurred_at AT TIME ZONE 'UTC')::date - ${new Date(base * DAY_MS).toISOString().slice(0, 10)}::date)`;
  const masks = chunks.map((c, k) => {
    const from = c.origin - base;
    return sql`bit_or(CASE WHEN ${day} >= ${from}::int AND ${day} < ${from + MASK_BITS}::int THEN 1::int8 << (${day} - ${from}::int) END) AS ${sql.identifier(`m${k}`)}`;
  });
  const run = (1n << BigInt(windowDays)) - 1n;
  const counts = chunks.flatMap((c, k) =>
    c.windows.map((j) => {
      const windowBits = int8Bits(run << BigInt(ends[j]! - windowDays - c.origin));
      return sql`count(*) FILTER (WHERE ${sql.identifier(`m${k}`)} & ${windowBits} <> 0)::float8 AS ${sql.identifier(`w${j}`)}`;
    }),
  );
  const result = await tx.execute(sql`
    WITH per_user AS (
      SELECT ${sql.join([...masks, sql`bool_or(occurred_at >= ${lastStart.toISOString()}::timestamptz) AS last_window`], sql`, `)}
      FROM analytics.events WHERE ${eventsBetween(scan, scanFrom, scan.to)}
      GROUP BY distinct_id
    )
    SELECT ${sql.join([...counts, sql`count(*) FILTER (WHERE last_window)::float8 AS last`], sql`, `)} FROM per_user`);
  const row = rowsOf<Record<string, number>>(result)[0] ?? {};
  return [...ends.map((_, j) => Number(row[`w${j}`] ?? 0)), Number(row.last ?? 0)];
}

/**
 * WEEKLY/MONTHLY_ACTIVE_USERS at HOUR interval, where a window spans more hours
 * than a bigint has bits: a user active in bucket b (latest event t there) and
 * next active in bucket b' is counted at every bucket j with b ≤ j < b' whose
 * window still reaches t, i.e. j < date_trunc(t + window) (or every such j when
 * t + window ≥ to): one span [b, upto) per (user, active bucket). Spans become
 * +1/−1 deltas summed per instant; the service adds them up in bucket order
 * (runningTotalsAt). Exact, but it groups by (user, hour): slower than by day.
 */
export async function rollingActiveUserDeltas(tx: Tx, scan: SeriesScan, windowDays: number, lookbackFrom: Date): Promise<{ ms: number; delta: number }[]> {
  const window = sql.raw(`'${windowDays} days'::interval`);
  const unit = sql.raw(SQL_UNIT[scan.interval]);
  const result = await tx.execute(sql`
    WITH per AS (
      SELECT distinct_id, ${bucketOf(scan.interval)} AS b, max(occurred_at AT TIME ZONE 'UTC') AS last_at
      FROM analytics.events WHERE ${eventsBetween(scan, lookbackFrom, scan.to)}
      GROUP BY 1, 2
    ), spans AS (
      SELECT b, least(
        coalesce(lead(b) OVER (PARTITION BY distinct_id ORDER BY b), 'infinity'::timestamp),
        CASE WHEN last_at + ${window} >= ${utc(scan.to)} THEN 'infinity'::timestamp ELSE date_trunc('${unit}', last_at + ${window}) END
      ) AS upto
      FROM per
    ), deltas AS (
      SELECT b AS at, count(*) AS delta FROM spans GROUP BY b
      UNION ALL
      SELECT upto, -count(*) FROM spans WHERE upto < 'infinity'::timestamp GROUP BY upto
    )
    SELECT ${epochMs(sql`at`)} AS ms, sum(delta)::float8 AS delta FROM deltas GROUP BY at ORDER BY at`);
  return rowsOf<{ ms: number; delta: number }>(result).map((r) => ({ ms: Number(r.ms), delta: Number(r.delta) }));
}
