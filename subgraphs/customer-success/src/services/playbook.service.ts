/**
 * Playbooks: the tenant's playbooks (the four built-in templates, seeded on
 * first use, plus its own), runs of a playbook for a customer, their steps and
 * outcomes. A run completes when its last step is done: SUCCESS when the
 * customer's health band then is not worse than when the run started
 * (RED < YELLOW < GREEN; no band at either end counts as not worse), otherwise
 * FAILURE. Cancelled runs have no outcome and do not count towards success.
 */
import { ConflictError, type Identity, InvalidStateError, NotFoundError, parseInput } from '@platform/core';
import { customerSuccessTables as cs, type Tx } from '@platform/db';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { type HealthBand, PLAYBOOK_TEMPLATES, type PlaybookCategory } from '../domain/index.js';
import { emit } from '../events/emit.js';
import { type CustomerRow, lockCustomer } from './customer-lookup.js';
import { asActor, type CustomerSuccessDeps, DAY_MS, isUniqueViolation, isUuid, requireTenant } from './deps.js';
import type { JourneyService } from './journey.service.js';

export type PlaybookRow = typeof cs.playbooks.$inferSelect;
export type PlaybookStepRow = typeof cs.playbookSteps.$inferSelect;
export type PlaybookRunRow = typeof cs.playbookRuns.$inferSelect;
export type RunStepRow = typeof cs.playbookStepExecutions.$inferSelect;

export const PLAYBOOK_CATEGORIES = ['ONBOARDING', 'RENEWAL', 'EXPANSION', 'CHURN_PREVENTION'] as const;
export const AUTOMATIC_RED_TRIGGER = 'HEALTH_ENTERED_RED';
const ACTIVE_RUN_INDEX = 'playbook_runs_one_active_idx';
const BAND_RANK: Record<HealthBand, number> = { RED: 0, YELLOW: 1, GREEN: 2 };

const createInput = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  description: z.string().trim().max(2000).nullish(),
  category: z.enum(PLAYBOOK_CATEGORIES),
  steps: z
    .array(
      z.object({
        title: z.string().trim().min(1, 'is required').max(200),
        description: z.string().trim().max(2000).nullish(),
        dueInDays: z.number().int('must be a whole number').min(0).max(365),
      }),
    )
    .min(1, 'a playbook needs at least one step')
    .max(50),
});

/** SUCCESS when the band at completion is not worse than at the start. */
export function runOutcome(bandAtStart: HealthBand | null, bandAtCompletion: HealthBand | null): 'SUCCESS' | 'FAILURE' {
  if (bandAtStart === null || bandAtCompletion === null) return 'SUCCESS';
  return BAND_RANK[bandAtCompletion] >= BAND_RANK[bandAtStart] ? 'SUCCESS' : 'FAILURE';
}

export class PlaybookService {
  constructor(
    private readonly deps: CustomerSuccessDeps,
    private readonly journey: JourneyService,
  ) {}

  /** The tenant's playbooks, templates first; the templates are created on first use. */
  async list(actor: Identity): Promise<PlaybookRow[]> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      await this.ensureTemplates(tx, tenantId);
      const rows = await tx.select().from(cs.playbooks).orderBy(asc(cs.playbooks.createdAt), asc(cs.playbooks.id));
      // Templates in their catalogue order, then the tenant's own, oldest first (the sort is stable).
      const rank = (p: PlaybookRow) => (p.templateKey === null ? PLAYBOOK_TEMPLATES.length : PLAYBOOK_TEMPLATES.findIndex((t) => t.key === p.templateKey));
      return rows.sort((a, b) => rank(a) - rank(b));
    });
  }

  async create(actor: Identity, raw: unknown): Promise<PlaybookRow> {
    const tenantId = requireTenant(actor);
    const input = parseInput(createInput, raw);
    return asActor(this.deps, actor, async (tx) => {
      const [playbook] = await tx
        .insert(cs.playbooks)
        .values({ tenantId, category: input.category, name: input.name, description: input.description ?? '', createdByUserId: actor.userId, createdAt: this.deps.now() })
        .returning();
      await tx.insert(cs.playbookSteps).values(
        input.steps.map((s, position) => ({ tenantId, playbookId: playbook!.id, position, title: s.title, description: s.description ?? '', dueInDays: s.dueInDays })),
      );
      return playbook!;
    });
  }

  async start(actor: Identity, playbookId: string, customerId: string): Promise<PlaybookRunRow> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      await this.ensureTemplates(tx, tenantId);
      const playbook = await this.playbook(tx, playbookId);
      const customer = await lockCustomer(tx, customerId);
      return this.startRun(tx, tenantId, playbook, customer, 'MANUAL', actor.userId);
    });
  }

  /**
   * The automatic trigger: a customer entered the red band. Starts the
   * churn-prevention template unless a churn-prevention run is already active.
   */
  async triggerChurnPrevention(tx: Tx, tenantId: string, customer: CustomerRow): Promise<PlaybookRunRow | null> {
    await this.ensureTemplates(tx, tenantId);
    const active = await tx
      .select({ id: cs.playbookRuns.id })
      .from(cs.playbookRuns)
      .innerJoin(cs.playbooks, eq(cs.playbooks.id, cs.playbookRuns.playbookId))
      .where(and(eq(cs.playbookRuns.customerId, customer.id), eq(cs.playbookRuns.status, 'ACTIVE'), eq(cs.playbooks.category, 'CHURN_PREVENTION')));
    if (active.length > 0) return null;
    const template = PLAYBOOK_TEMPLATES.find((t) => t.category === 'CHURN_PREVENTION')!;
    const [playbook] = await tx.select().from(cs.playbooks).where(eq(cs.playbooks.templateKey, template.key));
    return this.startRun(tx, tenantId, playbook!, customer, AUTOMATIC_RED_TRIGGER, null);
  }

  async completeStep(actor: Identity, runStepId: string): Promise<RunStepRow> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      if (!isUuid(runStepId)) throw new NotFoundError('PlaybookRunStep', runStepId);
      const [step] = await tx.select().from(cs.playbookStepExecutions).where(eq(cs.playbookStepExecutions.id, runStepId)).for('update');
      if (!step) throw new NotFoundError('PlaybookRunStep', runStepId);
      const [run] = await tx.select().from(cs.playbookRuns).where(eq(cs.playbookRuns.id, step.runId)).for('update');
      if (run!.status !== 'ACTIVE') throw new InvalidStateError(`The playbook run is ${run!.status.toLowerCase()}`);
      if (step.status === 'DONE') throw new InvalidStateError('The step is already done');
      const now = this.deps.now();
      const [done] = await tx
        .update(cs.playbookStepExecutions)
        .set({ status: 'DONE', completedAt: now, completedByUserId: actor.userId })
        .where(eq(cs.playbookStepExecutions.id, runStepId))
        .returning();
      const pending = await tx
        .select({ id: cs.playbookStepExecutions.id })
        .from(cs.playbookStepExecutions)
        .where(and(eq(cs.playbookStepExecutions.runId, run!.id), eq(cs.playbookStepExecutions.status, 'PENDING')));
      const runCompleted = pending.length === 0;
      await this.journey.record(tx, tenantId, run!.customerId, {
        kind: 'PLAYBOOK_STEP_COMPLETED',
        title: `Playbook step done: ${step.title}`,
        relatedId: run!.id,
        occurredAt: now,
      });
      if (runCompleted) await this.completeRun(tx, tenantId, run!, now);
      await emit(tx, tenantId, 'playbook.step_completed@1', { type: 'playbook_run', id: run!.id }, {
        runId: run!.id,
        playbookId: run!.playbookId,
        customerId: run!.customerId,
        stepId: step.stepId,
        stepIndex: step.position,
        stepTitle: step.title,
        completedByUserId: actor.userId,
        completedAt: now.toISOString(),
        runCompleted,
      });
      return done!;
    });
  }

  async cancel(actor: Identity, runId: string): Promise<PlaybookRunRow> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      if (!isUuid(runId)) throw new NotFoundError('PlaybookRun', runId);
      const [run] = await tx.select().from(cs.playbookRuns).where(eq(cs.playbookRuns.id, runId)).for('update');
      if (!run) throw new NotFoundError('PlaybookRun', runId);
      if (run.status !== 'ACTIVE') throw new InvalidStateError(`The playbook run is already ${run.status.toLowerCase()}`);
      return this.cancelRun(tx, tenantId, run, 'cancelled by a user');
    });
  }

  async cancelActiveRunsOf(tx: Tx, tenantId: string, customerId: string, reason: string): Promise<void> {
    const runs = await tx
      .select()
      .from(cs.playbookRuns)
      .where(and(eq(cs.playbookRuns.customerId, customerId), eq(cs.playbookRuns.status, 'ACTIVE')))
      .for('update');
    for (const run of runs) await this.cancelRun(tx, tenantId, run, reason);
  }

  /** Creates the built-in templates the tenant does not have yet (idempotent, safe under concurrency). */
  async ensureTemplates(tx: Tx, tenantId: string): Promise<void> {
    const existing = await tx.select({ key: cs.playbooks.templateKey }).from(cs.playbooks).where(inArray(cs.playbooks.templateKey, PLAYBOOK_TEMPLATES.map((t) => t.key)));
    const have = new Set(existing.map((e) => e.key));
    for (const template of PLAYBOOK_TEMPLATES) {
      if (have.has(template.key)) continue;
      const [playbook] = await tx
        .insert(cs.playbooks)
        .values({ tenantId, templateKey: template.key, category: template.category, name: template.name, description: template.description, createdAt: this.deps.now() })
        .onConflictDoNothing()
        .returning();
      if (!playbook) continue;
      await tx.insert(cs.playbookSteps).values(
        template.steps.map((s, position) => ({ tenantId, playbookId: playbook.id, position, title: s.title, description: s.description, dueInDays: s.dueInDays })),
      );
    }
  }

  private async playbook(tx: Tx, playbookId: string): Promise<PlaybookRow> {
    if (!isUuid(playbookId)) throw new NotFoundError('Playbook', playbookId);
    const [row] = await tx.select().from(cs.playbooks).where(eq(cs.playbooks.id, playbookId));
    if (!row) throw new NotFoundError('Playbook', playbookId);
    return row;
  }

  private async startRun(tx: Tx, tenantId: string, playbook: PlaybookRow, customer: CustomerRow, trigger: string, userId: string | null): Promise<PlaybookRunRow> {
    const now = this.deps.now();
    let run: PlaybookRunRow;
    try {
      [run] = (await tx
        .insert(cs.playbookRuns)
        .values({ tenantId, playbookId: playbook.id, customerId: customer.id, trigger, bandAtStart: customer.healthBand, startedByUserId: userId, startedAt: now })
        .returning()) as [PlaybookRunRow];
    } catch (err) {
      if (isUniqueViolation(err, ACTIVE_RUN_INDEX)) throw new ConflictError(`"${playbook.name}" is already running for this customer`, 'playbookId');
      throw err;
    }
    const steps = await tx.select().from(cs.playbookSteps).where(eq(cs.playbookSteps.playbookId, playbook.id)).orderBy(asc(cs.playbookSteps.position));
    await tx.insert(cs.playbookStepExecutions).values(
      steps.map((s) => ({ tenantId, runId: run.id, stepId: s.id, position: s.position, title: s.title, dueAt: new Date(now.getTime() + s.dueInDays * DAY_MS) })),
    );
    await emit(tx, tenantId, 'playbook.triggered@1', { type: 'playbook_run', id: run.id }, { runId: run.id, playbookId: playbook.id, customerId: customer.id, trigger });
    await this.journey.record(tx, tenantId, customer.id, {
      kind: 'PLAYBOOK_STARTED',
      title: trigger === 'MANUAL' ? `Playbook started: ${playbook.name}` : `Playbook started automatically (${trigger}): ${playbook.name}`,
      relatedId: run.id,
      detail: { trigger, playbookId: playbook.id, category: playbook.category as PlaybookCategory },
      occurredAt: now,
    });
    return run;
  }

  private async completeRun(tx: Tx, tenantId: string, run: PlaybookRunRow, now: Date): Promise<void> {
    const [customer] = await tx.select({ band: cs.customers.healthBand }).from(cs.customers).where(eq(cs.customers.id, run.customerId));
    const bandAtCompletion = (customer?.band ?? null) as HealthBand | null;
    const outcome = runOutcome(run.bandAtStart as HealthBand | null, bandAtCompletion);
    await tx.update(cs.playbookRuns).set({ status: 'COMPLETED', outcome, bandAtCompletion, completedAt: now }).where(eq(cs.playbookRuns.id, run.id));
    await this.journey.record(tx, tenantId, run.customerId, {
      kind: 'PLAYBOOK_COMPLETED',
      title: `Playbook completed (${outcome === 'SUCCESS' ? 'success' : 'failure'})`,
      relatedId: run.id,
      detail: { outcome, bandAtStart: run.bandAtStart, bandAtCompletion },
      occurredAt: now,
    });
  }

  private async cancelRun(tx: Tx, tenantId: string, run: PlaybookRunRow, reason: string): Promise<PlaybookRunRow> {
    const now = this.deps.now();
    const [row] = await tx.update(cs.playbookRuns).set({ status: 'CANCELLED', cancelledAt: now }).where(eq(cs.playbookRuns.id, run.id)).returning();
    await this.journey.record(tx, tenantId, run.customerId, { kind: 'PLAYBOOK_CANCELLED', title: `Playbook cancelled: ${reason}`, relatedId: run.id, occurredAt: now });
    return row!;
  }
}
