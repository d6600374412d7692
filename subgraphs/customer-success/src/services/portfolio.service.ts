/**
 * A CSM's portfolio: the customers they own, their workload and one
 * prioritised task list drawn from three sources — open onboarding tasks
 * (assigned to them, or unassigned on their customers), pending steps of active
 * playbook runs on their customers, and their own manual tasks.
 */
import { type Identity, InvalidStateError, NotFoundError, parseInput } from '@platform/core';
import { customerSuccessTables as cs, type Tx } from '@platform/db';
import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import { type ChurnRiskLevel, type HealthBand, type PortfolioTaskInput, prioritiseTasks, type WorkloadSummary, workloadSummary } from '../domain/index.js';
import { type CustomerRow, lockCustomer } from './customer-lookup.js';
import { asActor, type CustomerSuccessDeps, isUuid, requireTenant } from './deps.js';

export type CsmTaskRow = typeof cs.csmTasks.$inferSelect;
export type TaskSource = PortfolioTaskInput['source'];

export interface PortfolioTask {
  id: string;
  source: TaskSource;
  title: string;
  customerId: string | null;
  dueAt: Date | null;
  priority: number;
  reasons: string[];
}

export interface Portfolio {
  userId: string;
  customers: CustomerRow[];
  workload: WorkloadSummary;
  tasks: PortfolioTask[];
}

const csmTaskInput = z.object({
  title: z.string().trim().min(1, 'is required').max(500),
  dueAt: z.date().nullish(),
  customerId: z.string().nullish(),
  ownerUserId: z.string().uuid('must be a user id').nullish(),
});

export class PortfolioService {
  constructor(private readonly deps: CustomerSuccessDeps) {}

  async portfolio(actor: Identity, userId: string): Promise<Portfolio> {
    return asActor(this.deps, actor, async (tx) => (await portfoliosOf(tx, [userId], this.deps.now())).get(userId)!);
  }

  async createTask(actor: Identity, raw: unknown): Promise<CsmTaskRow> {
    const tenantId = requireTenant(actor);
    const input = parseInput(csmTaskInput, raw);
    return asActor(this.deps, actor, async (tx) => {
      if (input.customerId) await lockCustomer(tx, input.customerId);
      const [row] = await tx
        .insert(cs.csmTasks)
        .values({
          tenantId,
          ownerUserId: input.ownerUserId ?? actor.userId!,
          customerId: input.customerId ?? null,
          title: input.title,
          dueAt: input.dueAt ?? null,
          createdByUserId: actor.userId,
          createdAt: this.deps.now(),
        })
        .returning();
      return row!;
    });
  }

  async completeTask(actor: Identity, taskId: string): Promise<CsmTaskRow> {
    return asActor(this.deps, actor, async (tx) => {
      if (!isUuid(taskId)) throw new NotFoundError('CsmTask', taskId);
      const [task] = await tx.select().from(cs.csmTasks).where(eq(cs.csmTasks.id, taskId)).for('update');
      if (!task) throw new NotFoundError('CsmTask', taskId);
      if (task.status === 'DONE') throw new InvalidStateError('The task is already done');
      const [row] = await tx.update(cs.csmTasks).set({ status: 'DONE', completedAt: this.deps.now() }).where(eq(cs.csmTasks.id, taskId)).returning();
      return row!;
    });
  }
}

/**
 * The portfolios of several CSMs at once, with the same queries one CSM's
 * takes (User.csmPortfolio on a list of users is batched through this).
 */
export async function portfoliosOf(tx: Tx, userIds: string[], now: Date): Promise<Map<string, Portfolio>> {
  const users = [...new Set(userIds.filter(isUuid))];
  const customers =
    users.length === 0
      ? []
      : await tx
          .select()
          .from(cs.customers)
          .where(and(inArray(cs.customers.ownerUserId, users), isNull(cs.customers.archivedAt)))
          .orderBy(asc(cs.customers.name), asc(cs.customers.id));
  const owned = customers.map((c) => c.id);
  const onboarding =
    users.length === 0
      ? []
      : await tx
          .select()
          .from(cs.onboardingTasks)
          .innerJoin(cs.customers, eq(cs.customers.id, cs.onboardingTasks.customerId))
          .where(
            and(
              eq(cs.onboardingTasks.status, 'OPEN'),
              isNull(cs.customers.archivedAt),
              or(inArray(cs.onboardingTasks.assigneeUserId, users), and(isNull(cs.onboardingTasks.assigneeUserId), inArray(cs.customers.ownerUserId, users))),
            ),
          );
  const steps =
    owned.length === 0
      ? []
      : await tx
          .select({ step: cs.playbookStepExecutions, customerId: cs.playbookRuns.customerId, playbook: cs.playbooks.name })
          .from(cs.playbookStepExecutions)
          .innerJoin(cs.playbookRuns, eq(cs.playbookRuns.id, cs.playbookStepExecutions.runId))
          .innerJoin(cs.playbooks, eq(cs.playbooks.id, cs.playbookRuns.playbookId))
          .where(and(eq(cs.playbookStepExecutions.status, 'PENDING'), eq(cs.playbookRuns.status, 'ACTIVE'), inArray(cs.playbookRuns.customerId, owned)));
  const manual = users.length === 0 ? [] : await tx.select().from(cs.csmTasks).where(and(inArray(cs.csmTasks.ownerUserId, users), eq(cs.csmTasks.status, 'OPEN')));

  const byId = new Map<string, CustomerRow>(customers.map((c) => [c.id, c]));
  for (const { customers: c } of onboarding) byId.set(c.id, c);
  const manualCustomerIds = [...new Set(manual.map((m) => m.customerId).filter((id): id is string => id !== null && !byId.has(id)))];
  if (manualCustomerIds.length > 0) {
    for (const c of await tx.select().from(cs.customers).where(inArray(cs.customers.id, manualCustomerIds))) byId.set(c.id, c);
  }
  // Whose task each is: the assignee, else the owner of the customer; a manual task its owner's.
  const candidates: (Omit<PortfolioTask, 'priority' | 'reasons'> & { userId: string | null })[] = [
    ...onboarding.map(({ onboarding_tasks: t, customers: c }) => ({
      userId: t.assigneeUserId ?? c.ownerUserId,
      id: t.id,
      source: 'ONBOARDING' as const,
      title: t.title,
      customerId: t.customerId,
      dueAt: t.dueAt,
    })),
    ...steps.map(({ step, customerId, playbook }) => ({
      userId: byId.get(customerId)?.ownerUserId ?? null,
      id: step.id,
      source: 'PLAYBOOK' as const,
      title: `${playbook}: ${step.title}`,
      customerId,
      dueAt: step.dueAt,
    })),
    ...manual.map((m) => ({ userId: m.ownerUserId, id: m.id, source: 'MANUAL' as const, title: m.title, customerId: m.customerId, dueAt: m.dueAt })),
  ];

  const portfolios = new Map<string, Portfolio>();
  for (const userId of userIds) {
    const mine = customers.filter((c) => c.ownerUserId === userId);
    const myCandidates = candidates.filter((c) => c.userId === userId);
    const inputs: PortfolioTaskInput[] = myCandidates.map((c) => {
      const customer = c.customerId ? byId.get(c.customerId) : undefined;
      return {
        id: c.id,
        dueAt: c.dueAt,
        status: 'OPEN',
        customerBand: (customer?.healthBand ?? null) as HealthBand | null,
        customerChurnLevel: (customer?.churnLevel ?? null) as ChurnRiskLevel | null,
        source: c.source,
      };
    });
    const candidateById = new Map(myCandidates.map(({ userId: _owner, ...c }) => [c.id, c]));
    const tasks = prioritiseTasks(inputs, now).map((p) => ({ ...candidateById.get(p.id)!, priority: p.priority, reasons: p.reasons }));
    const workload = workloadSummary(
      mine.map((c) => ({ band: c.healthBand as HealthBand | null })),
      inputs,
      now,
    );
    portfolios.set(userId, { userId, customers: mine, workload, tasks });
  }
  return portfolios;
}
