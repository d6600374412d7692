/**
 * Marketing attribution: which channels (a property of touchpoint events, by
 * default `utm_source`) led to conversions, under five models at once. One SQL
 * statement loads every conversion in the range with its touch path (channels
 * and ages, oldest first); domain/attribution.ts splits the credit.
 * Method: docs/analytics/attribution.md.
 */
import { type Identity, parseInput, ValidationError } from '@platform/core';
import { rowsOf, type Tx } from '@platform/db';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ATTRIBUTION_MODELS, type AttributionModelResult, attribute, type ConversionPath } from '../domain/attribution.js';
import { allProperties } from '../sql/property-filters.js';
import { type AnalyticsDeps, asActor, requireTenant } from './deps.js';
import { dateRange, eventName, propertyFilters } from './query-inputs.js';
import type { AnalyticsQuery, CsvTable } from './query-service.js';

/** More conversions than this in one query are refused: the paths are loaded into memory. */
export const MAX_ATTRIBUTED_CONVERSIONS = 200_000;
/** A conversion's path keeps its most recent touches only. */
export const MAX_TOUCHES_PER_CONVERSION = 50;
export const DEFAULT_CHANNEL_PROPERTY = 'utm_source';
export const DEFAULT_LOOKBACK_DAYS = 30;
export const MAX_LOOKBACK_DAYS = 90;

export const attributionInput = z.object({
  conversionEvent: eventName,
  conversionFilters: propertyFilters.nullish().transform((f) => f ?? []),
  /** Null: any event that carries the channel property is a touchpoint. */
  touchpointEvent: eventName.nullish().transform((e) => e ?? null),
  channelProperty: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .nullish()
    .transform((p) => p ?? DEFAULT_CHANNEL_PROPERTY),
  lookbackDays: z
    .number()
    .int('must be a whole number')
    .min(1, `must be from 1 to ${MAX_LOOKBACK_DAYS}`)
    .max(MAX_LOOKBACK_DAYS, `must be from 1 to ${MAX_LOOKBACK_DAYS}`)
    .nullish()
    .transform((d) => d ?? DEFAULT_LOOKBACK_DAYS),
  range: dateRange,
  models: z
    .array(z.enum(ATTRIBUTION_MODELS))
    .min(1, 'must name at least one model')
    .nullish()
    .transform((m) => (m ? [...new Set(m)] : [...ATTRIBUTION_MODELS])),
});
export type AttributionQuery = z.output<typeof attributionInput>;

export interface Attribution {
  /** Conversion events in the range (every one counts, not only a user's first). */
  conversions: number;
  /** Conversions with at least one touchpoint in their lookback window; the rest are credited to `(direct)`. */
  conversionsWithTouchpoints: number;
  models: AttributionModelResult[];
}

export class AttributionService implements AnalyticsQuery<Attribution> {
  private readonly maxConversions: number;

  /** `options.maxConversions` lowers the limit (tests show the refusal without seeding 200,000 events). */
  constructor(
    private readonly deps: AnalyticsDeps,
    options: { maxConversions?: number } = {},
  ) {
    this.maxConversions = options.maxConversions ?? MAX_ATTRIBUTED_CONVERSIONS;
  }

  async run(actor: Identity, input: unknown): Promise<Attribution> {
    const query = parseInput(attributionInput, input);
    const tenantId = requireTenant(actor);
    const { total, paths } = await asActor(this.deps, actor, (tx) => loadPaths(tx, tenantId, query, this.maxConversions));
    if (total > this.maxConversions) {
      throw new ValidationError(
        [{ path: 'input.range', message: `has more than ${this.maxConversions.toLocaleString('en')} conversions (the limit of one query); narrow the range or add conversion filters` }],
        'Too many conversions to attribute',
      );
    }
    return { conversions: paths.length, conversionsWithTouchpoints: paths.filter((p) => p.length > 0).length, models: attribute(paths, query.models) };
  }

  table(result: Attribution): CsvTable {
    return {
      header: ['model', 'channel', 'credit', 'share'],
      rows: result.models.flatMap((m) => m.channels.map((c) => [m.model, c.channel, c.credit, c.share])),
    };
  }
}

/**
 * One statement. `conv`: the conversions in the range (index
 * (tenant_id, name, occurred_at)), at most one more than the limit. `touch`:
 * events carrying the channel from lookback before the range to its end, of
 * converting users only, read once (the same index with a touchpoint event,
 * (tenant_id, occurred_at) without). A hash join on the user pairs each
 * conversion with its touches in [conversion − lookback, conversion), a window
 * keeps the 50 most recent, and the paths are aggregated as arrays oldest
 * first. Over the limit, only the count comes back (one row, no conversion).
 *
 * Nested loops are turned off for this transaction: right after a bulk import
 * (before autovacuum's ANALYZE) the planner estimates one row per CTE and
 * picks a nested loop that rescans every touch per conversion, O(conversions ×
 * touches) — minutes where the hash join takes a second. JIT is off too (it
 * costs more than it saves here) and work_mem raised to keep the hashes in memory.
 */
async function loadPaths(tx: Tx, tenantId: string, q: AttributionQuery, max: number): Promise<{ total: number; paths: ConversionPath[] }> {
  const from = q.range.from.toISOString();
  const to = q.range.to.toISOString();
  const lookback = sql`make_interval(days => ${q.lookbackDays}::int)`;
  const channel = sql`(e.properties ->> ${q.channelProperty}::text)`;
  const touchName = q.touchpointEvent === null ? sql`true` : sql`e.name = ${q.touchpointEvent}::text`;
  await tx.execute(sql`SELECT set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`);
  const result = await tx.execute(sql`
    WITH conv AS MATERIALIZED (
      SELECT e.id, e.distinct_id, e.occurred_at
      FROM analytics.events e
      WHERE e.tenant_id = ${tenantId}::uuid AND e.name = ${q.conversionEvent}::text
        AND e.occurred_at >= ${from}::timestamptz AND e.occurred_at < ${to}::timestamptz
        AND ${allProperties(q.conversionFilters, sql`e.properties`)}
      LIMIT ${max + 1}
    ), total AS (
      SELECT count(*)::int AS n FROM conv
    ), touch AS (
      SELECT e.distinct_id, e.occurred_at, e.id, ${channel} AS channel
      FROM analytics.events e
      WHERE e.tenant_id = ${tenantId}::uuid AND ${touchName}
        AND e.occurred_at >= ${from}::timestamptz - ${lookback} AND e.occurred_at < ${to}::timestamptz
        AND ${channel} <> ''
        AND e.distinct_id IN (SELECT distinct_id FROM conv)
        AND (SELECT n FROM total) <= ${max}
    ), ranked AS (
      SELECT c.id AS conversion_id, t.channel, t.occurred_at, t.id,
             extract(epoch FROM c.occurred_at - t.occurred_at)::float8 * 1000 AS age_ms,
             row_number() OVER (PARTITION BY c.id ORDER BY t.occurred_at DESC, t.id DESC) AS recency
      FROM conv c
      JOIN touch t ON t.distinct_id = c.distinct_id AND t.occurred_at >= c.occurred_at - ${lookback} AND t.occurred_at < c.occurred_at
    ), paths AS (
      SELECT conversion_id, array_agg(channel ORDER BY occurred_at, id) AS channels, array_agg(age_ms ORDER BY occurred_at, id) AS ages_ms
      FROM ranked
      WHERE recency <= ${MAX_TOUCHES_PER_CONVERSION}
      GROUP BY conversion_id
    )
    SELECT total.n AS total, c.id IS NOT NULL AS converted, p.channels, p.ages_ms
    FROM total
    LEFT JOIN conv c ON total.n <= ${max}
    LEFT JOIN paths p ON p.conversion_id = c.id`);
  const rows = rowsOf<{ total: number; converted: boolean; channels: string[] | null; ages_ms: (number | string)[] | null }>(result);
  const paths = rows
    .filter((r) => r.converted)
    .map((r): ConversionPath => (r.channels ?? []).map((channel, i) => ({ channel, ageMs: Number(r.ages_ms![i]) })));
  return { total: Number(rows[0]?.total ?? 0), paths };
}
