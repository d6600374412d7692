/** OnboardingPlan: five stages of milestones, tasks and blockers, with progress and time to value. */
import { ConflictError, InvalidStateError, NotFoundError } from '@platform/core';
import { builder } from '../builder.js';
import type { CustomerSuccessContext } from '../context.js';
import { type OnboardingProgress, type OnboardingStage, onboardingProgress } from '../domain/index.js';
import type { BlockerRow, MilestoneRow, OnboardingPlanRow, OnboardingTaskRow } from '../services/onboarding.service.js';
import { CustomerRef } from './customer.js';
import { BlockerStatusEnum, MilestoneStatusEnum, OnboardingStageEnum, TaskStatusEnum } from './enums.js';
import { writeScopes } from './scopes.js';
import { UserRef, userRef } from './user.js';

type MilestoneStatus = 'PENDING' | 'IN_PROGRESS' | 'DONE';

const MilestoneRef = builder.objectRef<MilestoneRow>('OnboardingMilestone').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    stage: t.field({ type: OnboardingStageEnum, resolve: (m) => m.stage as OnboardingStage }),
    title: t.exposeString('title'),
    status: t.field({ type: MilestoneStatusEnum, resolve: (m) => m.status as MilestoneStatus }),
    isValueMilestone: t.exposeBoolean('isValueMilestone', { description: 'Completing it is the customer’s first value (time to value).' }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    plan: t.field({ type: OnboardingPlanRef, nullable: true, resolve: (m, _a, ctx) => planOfCustomer(ctx, m.customerId) }),
  }),
});

const TaskRef = builder.objectRef<OnboardingTaskRow>('OnboardingTask').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.exposeString('title'),
    status: t.field({ type: TaskStatusEnum, resolve: (r) => r.status as 'OPEN' | 'DONE' }),
    assignee: t.field({ type: UserRef, nullable: true, resolve: (r) => userRef(r.assigneeUserId) }),
    milestoneId: t.exposeID('milestoneId', { nullable: true }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const BlockerRef = builder.objectRef<BlockerRow>('OnboardingBlocker').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    description: t.exposeString('description'),
    status: t.field({ type: BlockerStatusEnum, resolve: (b) => b.status as 'OPEN' | 'RESOLVED' }),
    resolution: t.exposeString('resolution', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
  }),
});

const ProgressRef = builder.objectRef<OnboardingProgress>('OnboardingProgress').implement({
  fields: (t) => ({
    percentComplete: t.exposeInt('percentComplete', { description: 'Milestones done ÷ all milestones, whole percent.' }),
    currentStage: t.field({ type: OnboardingStageEnum, nullable: true, description: 'The earliest stage not finished; null when all are.', resolve: (p) => p.currentStage }),
    overdueMilestones: t.exposeInt('overdueMilestones'),
    timeToValueDays: t.exposeInt('timeToValueDays', { nullable: true, description: 'Whole days from the start to the first value milestone done.' }),
    onTrack: t.exposeBoolean('onTrack', { description: 'Nothing overdue and no open blocker.' }),
  }),
});

const OnboardingPlanRef = builder.objectRef<OnboardingPlanRow>('OnboardingPlan');
OnboardingPlanRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    milestones: t.field({ type: [MilestoneRef], resolve: (p, _a, ctx) => ctx.loaders.milestonesByPlan.load(p.id) }),
    tasks: t.field({ type: [TaskRef], resolve: (p, _a, ctx) => ctx.loaders.tasksByPlan.load(p.id) }),
    blockers: t.field({ type: [BlockerRef], resolve: (p, _a, ctx) => ctx.loaders.blockersByPlan.load(p.id) }),
    progress: t.field({
      type: ProgressRef,
      resolve: async (p, _a, ctx) => {
        const [milestones, blockers] = await Promise.all([ctx.loaders.milestonesByPlan.load(p.id), ctx.loaders.blockersByPlan.load(p.id)]);
        const open = blockers.filter((b) => b.status === 'OPEN').length;
        return onboardingProgress(
          p.startedAt,
          milestones.map((m) => ({ stage: m.stage as OnboardingStage, status: m.status as MilestoneStatus, dueAt: m.dueAt, completedAt: m.completedAt, isValueMilestone: m.isValueMilestone })),
          open,
          ctx.services.deps.now(),
        );
      },
    }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (p, _a, ctx) => ctx.loaders.customer.load(p.customerId) }),
  }),
});

function planOfCustomer(ctx: CustomerSuccessContext, customerId: string) {
  return ctx.loaders.onboardingPlanByCustomer.load(customerId);
}

builder.objectFields(CustomerRef, (t) => ({
  onboarding: t.field({ type: OnboardingPlanRef, nullable: true, resolve: (c, _a, ctx) => planOfCustomer(ctx, c.id) }),
}));

const AddOnboardingTaskInput = builder.inputType('AddOnboardingTaskInput', {
  fields: (t) => ({
    customerId: t.id({ required: true }),
    title: t.string({ required: true }),
    assigneeUserId: t.id({ description: 'Unassigned tasks fall to the customer’s owner CSM.' }),
    dueAt: t.field({ type: 'DateTime' }),
    milestoneId: t.id({ description: 'A milestone of the same plan the task works towards.' }),
  }),
});
const AddOnboardingBlockerInput = builder.inputType('AddOnboardingBlockerInput', {
  fields: (t) => ({ customerId: t.id({ required: true }), description: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  startOnboarding: t.field({
    type: OnboardingPlanRef,
    authScopes: writeScopes,
    description: 'Starts the default five-stage plan for a customer.',
    errors: { types: [NotFoundError, ConflictError, InvalidStateError] },
    args: { customerId: t.arg.id({ required: true }), startedAt: t.arg({ type: 'DateTime', description: 'Defaults to now.' }) },
    resolve: (_r, { customerId, startedAt }, ctx) => ctx.services.onboarding.start(ctx.identity, customerId, startedAt),
  }),
  completeOnboardingMilestone: t.field({
    type: MilestoneRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.onboarding.completeMilestone(ctx.identity, id),
  }),
  addOnboardingTask: t.field({
    type: TaskRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { input: t.arg({ type: AddOnboardingTaskInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.onboarding.addTask(ctx.identity, input),
  }),
  completeOnboardingTask: t.field({
    type: TaskRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.onboarding.completeTask(ctx.identity, id),
  }),
  addOnboardingBlocker: t.field({
    type: BlockerRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { input: t.arg({ type: AddOnboardingBlockerInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.onboarding.addBlocker(ctx.identity, input),
  }),
  resolveOnboardingBlocker: t.field({
    type: BlockerRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }), resolution: t.arg.string() },
    resolve: (_r, { id, resolution }, ctx) => ctx.services.onboarding.resolveBlocker(ctx.identity, id, resolution),
  }),
}));
