/**
 * A/B experiments: definitions and their lifecycle (DRAFT → RUNNING →
 * STOPPED), the deterministic assignment SDKs ask for, and the results
 * measured from the events. Assignment is a hash (domain/experiment-assignment.ts),
 * so nothing is stored per user; results are one SQL statement that re-derives
 * each exposed user's variant with the same hash, and the statistics are in
 * domain/experiment-stats.ts. Method: docs/analytics/experiments.md.
 */
import { afterCursor, ConflictError, type Identity, InvalidStateError, NotFoundError, type Page, type PageArgs, pageRequest, parseInput, toPageBy } from '@platform/core';
import { analyticsTables as a, isUniqueViolation, isUuid, rowsOf, type Tx } from '@platform/db';
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { assignVariant, bucketSql, variantSql } from '../domain/experiment-assignment.js';
import { type ExperimentStats, experimentStats, type VariantCounts } from '../domain/experiment-stats.js';
import { type AnalyticsDeps, asActor, requireTenant } from './deps.js';
import { eventName } from './query-inputs.js';
import type { AnalyticsQuery, CsvTable } from './query-service.js';

export const EXPERIMENT_STATUSES = ['DRAFT', 'RUNNING', 'STOPPED'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];
export type Experiment = typeof a.experiments.$inferSelect;
export const DEFAULT_CONFIDENCE_LEVEL = 0.95;
export const DEFAULT_MINIMUM_DETECTABLE_EFFECT = 0.1;
export const DEFAULT_PAGE_SIZE = 20;

export interface ExperimentResults extends ExperimentStats {
  experimentId: string;
}

export interface ExperimentAssignment {
  experimentKey: string;
  variant: string;
  bucket: number;
  /** Only while RUNNING do exposures count; the assignment itself never changes. */
  status: ExperimentStatus;
}

// Keys are part of the hashed string `${key}.${distinctId}`; without dots in
// the key that string has one reading.
const experimentKey = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'must be 1–100 letters, digits, _ or -, starting with a letter or digit');
const variantKey = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, _ or -, starting with a letter or digit');
const variants = z
  .array(z.object({ key: variantKey, weight: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100') }))
  .min(2, 'must have at least 2 variants (the first is the control)')
  .max(10, 'must have at most 10 variants')
  .superRefine((vs, ctx) => {
    const total = vs.reduce((s, v) => s + v.weight, 0);
    if (Number.isInteger(total) && total !== 100) ctx.addIssue({ code: 'custom', message: `weights must sum to 100, got ${total}` });
    vs.forEach((v, i) => {
      if (vs.findIndex((o) => o.key === v.key) < i) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicates variant "${v.key}"` });
    });
  });
const minimumDetectableEffect = z.number().min(0.01, 'must be from 0.01 to 10').max(10, 'must be from 0.01 to 10');
const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const description = z.string().trim().max(2000, 'must be at most 2000 characters');

const createInput = z.object({
  key: experimentKey,
  name,
  description: description.nullish().transform((d) => d || null),
  exposureEvent: eventName,
  conversionEvent: eventName,
  variants,
  minimumDetectableEffect: minimumDetectableEffect.nullish().transform((m) => m ?? DEFAULT_MINIMUM_DETECTABLE_EFFECT),
});
// Absent or null leaves a field as it is, except `description`, which null clears.
const updateInput = z.object({
  name: name.nullish(),
  description: description.nullish(),
  exposureEvent: eventName.nullish(),
  conversionEvent: eventName.nullish(),
  variants: variants.nullish(),
  minimumDetectableEffect: minimumDetectableEffect.nullish(),
});
const confidenceLevel = z
  .number()
  .min(0.8, 'must be from 0.8 to 0.999')
  .max(0.999, 'must be from 0.8 to 0.999')
  .nullish()
  .transform((c) => c ?? DEFAULT_CONFIDENCE_LEVEL);
const resultsInput = z.object({ experimentId: z.string().min(1, 'must not be empty'), confidenceLevel });

export class ExperimentService implements AnalyticsQuery<ExperimentResults> {
  constructor(private readonly deps: AnalyticsDeps) {}

  async create(actor: Identity, input: unknown): Promise<Experiment> {
    const tenantId = requireTenant(actor);
    const e = parseInput(createInput, input);
    const now = this.deps.now();
    return asActor(this.deps, actor, async (tx) => {
      try {
        const [row] = await tx
          .insert(a.experiments)
          .values({ tenantId, ...e, status: 'DRAFT', createdAt: now, updatedAt: now })
          .returning();
        return row!;
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`An experiment with key "${e.key}" already exists`, 'input.key');
        throw err;
      }
    });
  }

  /** Only a DRAFT can change: a running experiment's results would mix two definitions. */
  async update(actor: Identity, id: string, input: unknown): Promise<Experiment> {
    const changes = parseInput(updateInput, input);
    const set: Partial<Experiment> = { updatedAt: this.deps.now() };
    for (const field of ['name', 'exposureEvent', 'conversionEvent', 'variants', 'minimumDetectableEffect'] as const) {
      if (changes[field] != null) Object.assign(set, { [field]: changes[field] });
    }
    if (changes.description !== undefined) set.description = changes.description || null;
    return asActor(this.deps, actor, async (tx) => {
      const current = await lockExperiment(tx, id);
      if (current.status !== 'DRAFT') throw new InvalidStateError(`Experiment ${current.key} is ${current.status}; only a DRAFT can be changed`);
      const [row] = await tx.update(a.experiments).set(set).where(eq(a.experiments.id, id)).returning();
      return row!;
    });
  }

  start(actor: Identity, id: string): Promise<Experiment> {
    return this.transition(actor, id, 'DRAFT', { status: 'RUNNING', startedAt: this.deps.now() });
  }

  /** Final: restarting would merge two periods into one set of results. */
  stop(actor: Identity, id: string): Promise<Experiment> {
    return this.transition(actor, id, 'RUNNING', { status: 'STOPPED', stoppedAt: this.deps.now() });
  }

  private transition(actor: Identity, id: string, from: ExperimentStatus, set: Partial<Experiment>): Promise<Experiment> {
    return asActor(this.deps, actor, async (tx) => {
      const current = await lockExperiment(tx, id);
      if (current.status !== from) throw new InvalidStateError(`Experiment ${current.key} is ${current.status}; it must be ${from} to become ${set.status}`);
      const [row] = await tx
        .update(a.experiments)
        .set({ ...set, updatedAt: this.deps.now() })
        .where(eq(a.experiments.id, id))
        .returning();
      return row!;
    });
  }

  get(actor: Identity, id: string): Promise<Experiment | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return asActor(this.deps, actor, async (tx) => (await tx.select().from(a.experiments).where(eq(a.experiments.id, id)))[0] ?? null);
  }

  /** Newest first. */
  list(actor: Identity, filter: { status?: ExperimentStatus | null }, args: PageArgs): Promise<Page<Experiment>> {
    const { size, cursor } = pageRequest(args, DEFAULT_PAGE_SIZE);
    const e = a.experiments;
    return asActor(this.deps, actor, async (tx) => {
      const conditions: (SQL | undefined)[] = [afterCursor(cursor, e.createdAt, e.id, 'desc'), filter.status ? eq(e.status, filter.status) : undefined];
      const rows = await tx
        .select()
        .from(e)
        .where(and(...conditions))
        .orderBy(desc(e.createdAt), desc(e.id))
        .limit(size + 1);
      return toPageBy(rows, size, (r) => r.createdAt);
    });
  }

  /** The variant of `distinctId`, in any status (DRAFT: to preview; STOPPED: users keep what they saw). */
  async assignment(actor: Identity, key: string, distinctId: string): Promise<ExperimentAssignment> {
    const id = parseInput(z.object({ distinctId: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters') }), { distinctId }, '');
    const [experiment] = await asActor(this.deps, actor, (tx) => tx.select().from(a.experiments).where(eq(a.experiments.key, key)));
    if (!experiment) throw new NotFoundError('Experiment', key);
    return { experimentKey: experiment.key, ...assignVariant(experiment.key, experiment.variants, id.distinctId), status: experiment.status as ExperimentStatus };
  }

  /** `Experiment.results`: null while DRAFT. */
  async results(actor: Identity, experiment: Experiment, level?: number | null): Promise<ExperimentResults | null> {
    if (experiment.status === 'DRAFT') return null;
    const cl = parseInput(confidenceLevel, level, 'confidenceLevel');
    return this.measure(actor, experiment, cl);
  }

  /** The widget form: `{ experimentId, confidenceLevel }`. A DRAFT has measured nothing yet: zero exposures everywhere. */
  async run(actor: Identity, input: unknown): Promise<ExperimentResults> {
    const q = parseInput(resultsInput, input);
    const experiment = await this.get(actor, q.experimentId);
    if (!experiment) throw new NotFoundError('Experiment', q.experimentId);
    return this.measure(actor, experiment, q.confidenceLevel);
  }

  table(result: ExperimentResults): CsvTable {
    return {
      header: ['variant', 'exposures', 'conversions', 'conversion_rate', 'ci_lower', 'ci_upper', 'relative_lift', 'z_score', 'p_value', 'significant', 'winner'],
      rows: result.variants.map((v) => [
        v.key,
        v.exposures,
        v.conversions,
        v.conversionRate,
        v.confidenceInterval?.lower ?? null,
        v.confidenceInterval?.upper ?? null,
        v.relativeLift,
        v.zScore,
        v.pValue,
        v.significant,
        result.winner === v.key,
      ]),
    };
  }

  private async measure(actor: Identity, experiment: Experiment, level: number): Promise<ExperimentResults> {
    const tenantId = requireTenant(actor);
    const counted =
      experiment.status === 'DRAFT' || !experiment.startedAt
        ? new Map<string, VariantCounts>()
        : await asActor(this.deps, actor, (tx) => countVariants(tx, tenantId, experiment, experiment.stoppedAt ?? this.deps.now()));
    const counts = experiment.variants.map((v) => counted.get(v.key) ?? { key: v.key, exposures: 0, conversions: 0 });
    return { experimentId: experiment.id, ...experimentStats(counts, { confidenceLevel: level, minimumDetectableEffect: experiment.minimumDetectableEffect }) };
  }
}

async function lockExperiment(tx: Tx, id: string): Promise<Experiment> {
  const [row] = isUuid(id) ? await tx.select().from(a.experiments).where(eq(a.experiments.id, id)).for('update') : [];
  if (!row) throw new NotFoundError('Experiment', id);
  return row;
}

/**
 * One statement, one pass, no join: the exposure and conversion events of the
 * run (index (tenant_id, name, occurred_at) INCLUDE (distinct_id), two ranges,
 * index-only once the visibility map is set) grouped by user, giving each
 * user's first exposure and last conversion in [start, end). A user converted
 * when that last conversion came after the first exposure, which is the same as
 * "some conversion did". The bucket is hashed once per user (in the grouped
 * subquery) and mapped to the variant outside it. JIT off: it costs more than
 * it saves on this plan; a larger work_mem keeps the per-user hash in memory.
 */
async function countVariants(tx: Tx, tenantId: string, e: Experiment, end: Date): Promise<Map<string, VariantCounts>> {
  await tx.execute(sql`SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`);
  const result = await tx.execute(sql`
    SELECT ${variantSql(e.variants, sql`bucket`)} AS variant,
           count(*)::int AS exposures,
           count(*) FILTER (WHERE last_conversion_at > exposed_at)::int AS conversions
    FROM (
      SELECT ${bucketSql(e.key, sql`distinct_id`)} AS bucket,
             min(occurred_at) FILTER (WHERE name = ${e.exposureEvent}::text) AS exposed_at,
             max(occurred_at) FILTER (WHERE name = ${e.conversionEvent}::text) AS last_conversion_at
      FROM analytics.events
      WHERE tenant_id = ${tenantId}::uuid AND name IN (${e.exposureEvent}::text, ${e.conversionEvent}::text)
        AND occurred_at >= ${e.startedAt!.toISOString()}::timestamptz AND occurred_at < ${end.toISOString()}::timestamptz
      GROUP BY distinct_id
    ) per_user
    WHERE exposed_at IS NOT NULL
    GROUP BY 1`);
  const rows = rowsOf<{ variant: string; exposures: number; conversions: number }>(result);
  return new Map(rows.map((r) => [r.variant, { key: r.variant, exposures: Number(r.exposures), conversions: Number(r.conversions) }]));
}
