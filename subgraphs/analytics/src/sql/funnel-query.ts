/**
 * The funnel statement: one round trip counts, for each period (the range and
 * the comparison), how many users reached each step, their median and mean
 * time from the step before, and the same per breakdown value (top 20, the
 * rest folded into `$other`). The per-user state machines are the PL/pgSQL
 * functions of migration 0010; this module writes the statement around them.
 * Method and plan: docs/analytics/funnels.md, "SQL".
 */
import { rowsOf, sqlArray, type Tx } from '@platform/db';
import { type SQL, sql } from 'drizzle-orm';
import type { PropertyFilter } from '../services/query-inputs.js';
import { allProperties } from './property-filters.js';

export type FunnelOrder = 'ORDERED' | 'STRICT' | 'UNORDERED';

/** Breakdown values beyond this many (by step-1 users) are folded into one. */
export const TOP_BREAKDOWN_VALUES = 20;
export const OTHER_BREAKDOWN = '$other';

export interface FunnelStatement {
  tenantId: string;
  steps: readonly { event: string; filters: readonly PropertyFilter[] }[];
  order: FunnelOrder;
  windowSeconds: number;
  /** Conditions every step's event must meet. */
  filters: readonly PropertyFilter[];
  breakdownProperty: string | null;
  /** Period 0 is the range, period 1 (when present) the comparison. Step 1 must happen in [from, to). */
  periods: readonly { from: Date; to: Date }[];
}

/** One step of one period, over all users (`inBreakdown` false) or over one breakdown value. */
export interface FunnelStepRow {
  period: number;
  inBreakdown: boolean;
  /** The folded remainder (`$other`). */
  other: boolean;
  value: string | null;
  /** 1-based. */
  step: number;
  users: number;
  medianSeconds: number | null;
  meanSeconds: number | null;
}

export async function loadFunnelSteps(tx: Tx, q: FunnelStatement): Promise<FunnelStepRow[]> {
  const n = q.steps.length;
  const breakdown = q.breakdownProperty === null ? null : sql`(e.properties ->> ${q.breakdownProperty}::text)`;
  const windowUs = q.windowSeconds * 1_000_000;
  // array_agg without ORDER BY: the candidates come sorted (see candidateEvents).
  const userEvents = sql`array_agg(x)`;
  const userBreakdowns = breakdown ? sql`array_agg(bv)` : sql`NULL::text[]`;
  const path =
    q.order === 'UNORDERED'
      ? sql`analytics.funnel_unordered(${userEvents}, ${userBreakdowns}, ${n}::int, ${windowUs}::bigint)`
      : sql`analytics.funnel_sequence(${userEvents}, ${userBreakdowns}, ${n}::int, ${windowUs}::bigint, ${q.order === 'STRICT'}::boolean)`;
  const grouping = breakdown ? sql`GROUPING SETS ((g.period), (g.period, g.other, g.value))` : sql`g.period`;
  const inBreakdown = breakdown ? sql`grouping(g.other, g.value) = 0` : sql`false`;
  const group = breakdown ? sql`g.other, g.value` : sql`false AS other, NULL::text AS value`;
  const steps = stepAggregates(n);
  const result = await tx.execute(sql`
    WITH ev AS (
      ${candidateEvents(q, breakdown)}
    ), attempts AS MATERIALIZED (
      SELECT min(period) AS period, ${path} AS f
      FROM ev
      GROUP BY grp
      HAVING bool_or((x & 1024) <> 0)
    ), paths AS (
      SELECT period, (f).level AS level, (f).step_us AS step_us, (f).breakdown AS breakdown FROM attempts WHERE (f).level > 0
    ), labelled AS (
      ${breakdown ? labelTopValues() : sql`SELECT period, level, step_us, false AS other, NULL::text AS value FROM paths`}
    )
    SELECT g.period, ${inBreakdown} AS in_breakdown, ${group},
           ${steps.users}::int[] AS users, ${steps.medians}::float8[] AS median_seconds, ${steps.means}::float8[] AS mean_seconds
    FROM (SELECT l.period, l.other, l.value, l.level, ${steps.gaps} FROM labelled l OFFSET 0) g
    GROUP BY ${grouping}
    HAVING NOT (${inBreakdown}) OR g.period = 0`);
  return rowsOf<Record<string, unknown>>(result).flatMap((r) => {
    const numbers = (key: string) => (r[key] as (number | string | null)[]).map((v) => (v === null ? null : Number(v)));
    const [users, medians, means] = [numbers('users'), numbers('median_seconds'), numbers('mean_seconds')];
    return q.steps.map((_, i) => ({
      period: Number(r.period),
      inBreakdown: r.in_breakdown === true,
      other: r.other === true,
      value: (r.value as string | null) ?? null,
      step: i + 1,
      users: users[i] ?? 0,
      medianSeconds: medians[i] ?? null,
      meanSeconds: means[i] ?? null,
    }));
  });
}

/**
 * Every period's candidate events, sorted by group key (the user within the
 * period) and event word: the aggregation above then streams (no sort per
 * user, which PostgreSQL 15 would do for array_agg(... ORDER BY ...)) and
 * array_agg receives each user's events in time order; the functions check
 * the order and sort when it is not (the SQL standard does not promise it).
 * STRICT reads every event of its users, and of a run of other events only
 * the first matters (it ends the attempts before it): the rest are dropped
 * before the per-user function sees them.
 */
function candidateEvents(q: FunnelStatement, breakdown: SQL | null): SQL {
  const union = sql.join(
    q.periods.map((p, i) => periodScan(q, i, p, breakdown, q.periods.length > 1)),
    sql` UNION ALL `,
  );
  const sortKey = breakdown ? sql`grp, x, bv` : sql`grp, x`;
  if (q.order !== 'STRICT') return sql`SELECT * FROM (${union}) e ORDER BY ${sortKey}`;
  return sql`
    SELECT period, grp, x, bv
    FROM (SELECT e.*, lag(x & 1023) OVER (PARTITION BY grp ORDER BY ${sortKey}) AS previous_mask FROM (${union}) e) w
    WHERE (x & 1023) <> 0 OR previous_mask <> 0
    ORDER BY ${sortKey}`;
}

/** Users with their breakdown value, or `other` past the top 20 by users (ties by value, null last), per period. */
function labelTopValues(): SQL {
  return sql`
    SELECT period, level, step_us, rank > ${TOP_BREAKDOWN_VALUES}::int AS other, CASE WHEN rank <= ${TOP_BREAKDOWN_VALUES}::int THEN breakdown END AS value
    FROM (SELECT s.*, dense_rank() OVER (PARTITION BY period ORDER BY size DESC, breakdown NULLS LAST) AS rank
          FROM (SELECT p.*, count(*) OVER (PARTITION BY period, breakdown) AS size FROM paths p) s) r`;
}

/**
 * Per step k: users at level >= k, and for k > 1 the median and mean of
 * `gapk`, the seconds from step k-1 to step k, NULL below level k (which
 * percentile_cont and avg skip): one row per period and group, no row per step.
 */
function stepAggregates(n: number) {
  const ks = Array.from({ length: n }, (_, i) => i + 1);
  const raw = (k: number) => sql.raw(String(k));
  const perStep = (f: (k: number) => SQL) => sql`ARRAY[${sql.join(ks.map(f), sql`, `)}]`;
  return {
    gaps: sql.join(
      ks.slice(1).map((k) => sql`(l.step_us[${raw(k)}] - l.step_us[${raw(k - 1)}])::float8 / 1000000 AS gap${raw(k)}`),
      sql`, `,
    ),
    users: perStep((k) => sql`count(*) FILTER (WHERE g.level >= ${raw(k)})`),
    medians: perStep((k) => (k === 1 ? sql`NULL::float8` : sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY g.gap${raw(k)})`)),
    means: perStep((k) => (k === 1 ? sql`NULL::float8` : sql`avg(g.gap${raw(k)})`)),
  };
}

/**
 * One period's candidate events over [from, to + window), as (period, group
 * key, event word, breakdown value): the event word packs the time in epoch
 * microseconds, whether the event may open an attempt (bit 10: a step-1
 * match, or any step for UNORDERED, before `to`) and the steps it matches
 * (bits 0-9), the layout migration 0010's functions read. ORDERED and
 * UNORDERED read only the step events (index (tenant_id, name, occurred_at)
 * INCLUDE (distinct_id): an index-only scan without filters or breakdown);
 * STRICT reads every event of the users with a step-1 event in the range
 * (a range scan of index (tenant_id, occurred_at), or of the table when the
 * range is most of it), since any of them breaks a sequence, and the global
 * filters become part of each step (an event failing them is one of those
 * other events).
 */
function periodScan(q: FunnelStatement, period: number, range: { from: Date; to: Date }, breakdown: SQL | null, periodInKey: boolean): SQL {
  const strict = q.order === 'STRICT';
  const global = allProperties(q.filters, sql`e.properties`);
  const matches = q.steps.map(
    (step) => sql`e.name = ${step.event}::text AND ${allProperties(step.filters, sql`e.properties`)}${strict ? sql` AND ${global}` : sql``}`,
  );
  const mask = sql.join(
    matches.map((match, i) => sql`(CASE WHEN ${match} THEN ${1 << i}::int ELSE 0 END)`),
    sql` | `,
  );
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  const scanTo = new Date(range.to.getTime() + q.windowSeconds * 1000).toISOString();
  const opens = q.order === 'UNORDERED' ? sql`e.occurred_at < ${to}::timestamptz` : sql`e.occurred_at < ${to}::timestamptz AND ${matches[0]!}`;
  // The group key, the user (within the period): one plain column, so the planner sees the sorted scan as grouped.
  const grp = periodInKey ? sql`(${`${period}:`}::text || e.distinct_id) COLLATE "C"` : sql`e.distinct_id COLLATE "C"`;
  const common = sql`e.tenant_id = ${q.tenantId}::uuid AND e.occurred_at >= ${from}::timestamptz AND e.occurred_at < ${scanTo}::timestamptz`;
  const where = strict
    ? sql`${common} AND e.distinct_id IN (
        SELECT s.distinct_id FROM analytics.events s
        WHERE s.tenant_id = ${q.tenantId}::uuid AND s.name = ${q.steps[0]!.event}::text
          AND s.occurred_at >= ${from}::timestamptz AND s.occurred_at < ${to}::timestamptz)`
    : sql`${common} AND e.name = ANY(${sqlArray([...new Set(q.steps.map((s) => s.event))])}::text[]) AND ${global} AND (${mask}) <> 0`;
  return sql`
    SELECT ${period}::int AS period, ${grp} AS grp,
           ((date_part('epoch', e.occurred_at) * 1000000)::bigint << 11) | (CASE WHEN ${opens} THEN 1024 ELSE 0 END) | (${mask}) AS x,
           ${breakdown ?? sql`NULL::text`} AS bv
    FROM analytics.events e
    WHERE ${where}`;
}
