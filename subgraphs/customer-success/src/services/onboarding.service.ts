/**
 * Onboarding plans: five stages of milestones (the default plan comes from the
 * domain module), tasks with assignees and due dates, and blockers. The first
 * pending milestone is the one IN_PROGRESS; completing the last one completes
 * the plan. Progress and time-to-value are computed on read.
 */
import { ConflictError, type Identity, InvalidStateError, NotFoundError, parseInput, ValidationError } from '@platform/core';
import { customerSuccessTables as cs, type Tx } from '@platform/db';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { defaultOnboardingMilestones } from '../domain/index.js';
import { lockCustomer } from './customer-lookup.js';
import { asActor, type CustomerSuccessDeps, isUuid, requireTenant } from './deps.js';
import type { JourneyService } from './journey.service.js';

export type OnboardingPlanRow = typeof cs.onboardingPlans.$inferSelect;
export type MilestoneRow = typeof cs.onboardingMilestones.$inferSelect;
export type OnboardingTaskRow = typeof cs.onboardingTasks.$inferSelect;
export type BlockerRow = typeof cs.onboardingBlockers.$inferSelect;

const taskInput = z.object({
  customerId: z.string(),
  title: z.string().trim().min(1, 'is required').max(500),
  assigneeUserId: z.string().uuid('must be a user id').nullish(),
  dueAt: z.date().nullish(),
  milestoneId: z.string().nullish(),
});
const blockerInput = z.object({
  customerId: z.string(),
  description: z.string().trim().min(1, 'is required').max(2000),
});

export class OnboardingService {
  constructor(
    private readonly deps: CustomerSuccessDeps,
    private readonly journey: JourneyService,
  ) {}

  async start(actor: Identity, customerId: string, startedAt?: Date | null): Promise<OnboardingPlanRow> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    const start = startedAt ?? now;
    if (start.getTime() > now.getTime()) throw ValidationError.single('startedAt', 'must not be in the future');
    return asActor(this.deps, actor, async (tx) => {
      const customer = await lockCustomer(tx, customerId);
      const [existing] = await tx.select({ id: cs.onboardingPlans.id }).from(cs.onboardingPlans).where(eq(cs.onboardingPlans.customerId, customer.id));
      if (existing) throw new ConflictError('The customer already has an onboarding plan', 'customerId');
      const [plan] = await tx.insert(cs.onboardingPlans).values({ tenantId, customerId: customer.id, startedAt: start, createdByUserId: actor.userId }).returning();
      const milestones = defaultOnboardingMilestones(start);
      await tx.insert(cs.onboardingMilestones).values(
        milestones.map((m, position) => ({
          tenantId,
          planId: plan!.id,
          customerId: customer.id,
          stage: m.stage,
          position,
          title: m.title,
          status: position === 0 ? 'IN_PROGRESS' : 'PENDING',
          isValueMilestone: m.isValueMilestone,
          dueAt: m.dueAt,
        })),
      );
      await this.journey.record(tx, tenantId, customer.id, { kind: 'ONBOARDING_STARTED', title: 'Onboarding started', relatedId: plan!.id, occurredAt: start });
      return plan!;
    });
  }

  async completeMilestone(actor: Identity, milestoneId: string): Promise<MilestoneRow> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      const milestone = await this.row(tx, cs.onboardingMilestones, milestoneId, 'OnboardingMilestone');
      if (milestone.status === 'DONE') throw new InvalidStateError('The milestone is already done');
      await lockCustomer(tx, milestone.customerId);
      const now = this.deps.now();
      const [done] = await tx.update(cs.onboardingMilestones).set({ status: 'DONE', completedAt: now }).where(eq(cs.onboardingMilestones.id, milestone.id)).returning();
      await this.journey.record(tx, tenantId, milestone.customerId, {
        kind: 'MILESTONE_COMPLETED',
        title: `Onboarding milestone done: ${milestone.title}`,
        relatedId: milestone.id,
        detail: { stage: milestone.stage, isValueMilestone: milestone.isValueMilestone },
        occurredAt: now,
      });
      const [next] = await tx
        .select()
        .from(cs.onboardingMilestones)
        .where(and(eq(cs.onboardingMilestones.planId, milestone.planId), eq(cs.onboardingMilestones.status, 'PENDING')))
        .orderBy(asc(cs.onboardingMilestones.position))
        .limit(1);
      const [inProgress] = await tx
        .select({ id: cs.onboardingMilestones.id })
        .from(cs.onboardingMilestones)
        .where(and(eq(cs.onboardingMilestones.planId, milestone.planId), eq(cs.onboardingMilestones.status, 'IN_PROGRESS')));
      if (next && !inProgress) await tx.update(cs.onboardingMilestones).set({ status: 'IN_PROGRESS' }).where(eq(cs.onboardingMilestones.id, next.id));
      if (!next && !inProgress) {
        await tx.update(cs.onboardingPlans).set({ completedAt: now }).where(eq(cs.onboardingPlans.id, milestone.planId));
        await this.journey.record(tx, tenantId, milestone.customerId, { kind: 'ONBOARDING_COMPLETED', title: 'Onboarding completed', relatedId: milestone.planId, occurredAt: now });
      }
      return done!;
    });
  }

  async addTask(actor: Identity, raw: unknown): Promise<OnboardingTaskRow> {
    const tenantId = requireTenant(actor);
    const input = parseInput(taskInput, raw);
    return asActor(this.deps, actor, async (tx) => {
      const plan = await this.planOf(tx, input.customerId);
      let milestoneId: string | null = null;
      if (input.milestoneId) {
        const milestone = await this.row(tx, cs.onboardingMilestones, input.milestoneId, 'OnboardingMilestone');
        if (milestone.planId !== plan.id) throw ValidationError.single('input.milestoneId', "is not a milestone of this customer's plan");
        milestoneId = milestone.id;
      }
      const [task] = await tx
        .insert(cs.onboardingTasks)
        .values({ tenantId, planId: plan.id, customerId: plan.customerId, milestoneId, title: input.title, assigneeUserId: input.assigneeUserId ?? null, dueAt: input.dueAt ?? null, createdAt: this.deps.now() })
        .returning();
      return task!;
    });
  }

  async completeTask(actor: Identity, taskId: string): Promise<OnboardingTaskRow> {
    return asActor(this.deps, actor, async (tx) => {
      const task = await this.row(tx, cs.onboardingTasks, taskId, 'OnboardingTask');
      if (task.status === 'DONE') throw new InvalidStateError('The task is already done');
      await lockCustomer(tx, task.customerId);
      const [row] = await tx.update(cs.onboardingTasks).set({ status: 'DONE', completedAt: this.deps.now() }).where(eq(cs.onboardingTasks.id, task.id)).returning();
      return row!;
    });
  }

  async addBlocker(actor: Identity, raw: unknown): Promise<BlockerRow> {
    const tenantId = requireTenant(actor);
    const input = parseInput(blockerInput, raw);
    return asActor(this.deps, actor, async (tx) => {
      const plan = await this.planOf(tx, input.customerId);
      const [row] = await tx
        .insert(cs.onboardingBlockers)
        .values({ tenantId, planId: plan.id, customerId: plan.customerId, description: input.description, createdAt: this.deps.now() })
        .returning();
      return row!;
    });
  }

  async resolveBlocker(actor: Identity, blockerId: string, resolution: string | null | undefined): Promise<BlockerRow> {
    const text = parseInput(z.string().trim().max(2000).nullish(), resolution, 'resolution');
    return asActor(this.deps, actor, async (tx) => {
      const blocker = await this.row(tx, cs.onboardingBlockers, blockerId, 'OnboardingBlocker');
      if (blocker.status === 'RESOLVED') throw new InvalidStateError('The blocker is already resolved');
      await lockCustomer(tx, blocker.customerId);
      const [row] = await tx
        .update(cs.onboardingBlockers)
        .set({ status: 'RESOLVED', resolution: text || null, resolvedAt: this.deps.now() })
        .where(eq(cs.onboardingBlockers.id, blocker.id))
        .returning();
      return row!;
    });
  }

  /** The customer's plan, for a change: the customer must be active and have a plan. */
  private async planOf(tx: Tx, customerId: string): Promise<OnboardingPlanRow> {
    const customer = await lockCustomer(tx, customerId);
    const [plan] = await tx.select().from(cs.onboardingPlans).where(eq(cs.onboardingPlans.customerId, customer.id));
    if (!plan) throw new NotFoundError('OnboardingPlan', customerId);
    return plan;
  }

  private async row<T extends typeof cs.onboardingMilestones | typeof cs.onboardingTasks | typeof cs.onboardingBlockers>(
    tx: Tx,
    table: T,
    id: string,
    entity: string,
  ): Promise<T['$inferSelect']> {
    if (!isUuid(id)) throw new NotFoundError(entity, id);
    const [row] = await tx.select().from(table as typeof cs.onboardingTasks).where(eq(table.id, id));
    if (!row) throw new NotFoundError(entity, id);
    return row as T['$inferSelect'];
  }
}

