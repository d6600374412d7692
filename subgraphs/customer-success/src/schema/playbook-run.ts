/** PlaybookRun: one execution of a playbook for a customer, its steps and outcome. */
import { ConflictError, InvalidStateError, NotFoundError } from '@platform/core';
import { builder } from '../builder.js';
import type { HealthBand } from '../domain/index.js';
import type { PlaybookRunRow, RunStepRow } from '../services/playbook.service.js';
import { CustomerRef } from './customer.js';
import { HealthBandEnum, RunOutcomeEnum, RunStatusEnum, RunStepStatusEnum } from './enums.js';
import { PlaybookRef } from './playbook.js';
import { writeScopes } from './scopes.js';
import { UserRef, userRef } from './user.js';

export const PlaybookRunRef = builder.objectRef<PlaybookRunRow>('PlaybookRun');

const RunStepRef = builder.objectRef<RunStepRow>('PlaybookRunStep').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    stepId: t.exposeID('stepId', { description: 'The playbook step this executes.' }),
    index: t.exposeInt('position'),
    title: t.exposeString('title'),
    status: t.field({ type: RunStepStatusEnum, resolve: (s) => s.status as 'PENDING' | 'DONE' }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    completedBy: t.field({ type: UserRef, nullable: true, resolve: (s) => userRef(s.completedByUserId) }),
    run: t.field({ type: PlaybookRunRef, nullable: true, resolve: (s, _a, ctx) => ctx.loaders.playbookRun.load(s.runId) }),
  }),
});

PlaybookRunRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    playbook: t.field({ type: PlaybookRef, nullable: true, resolve: (r, _a, ctx) => ctx.loaders.playbook.load(r.playbookId) }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (r, _a, ctx) => ctx.loaders.customer.load(r.customerId) }),
    trigger: t.exposeString('trigger', { description: 'MANUAL, or what started it automatically (HEALTH_ENTERED_RED).' }),
    status: t.field({ type: RunStatusEnum, resolve: (r) => r.status as 'ACTIVE' | 'COMPLETED' | 'CANCELLED' }),
    outcome: t.field({ type: RunOutcomeEnum, nullable: true, resolve: (r) => r.outcome as 'SUCCESS' | 'FAILURE' | null }),
    bandAtStart: t.field({ type: HealthBandEnum, nullable: true, resolve: (r) => r.bandAtStart as HealthBand | null }),
    bandAtCompletion: t.field({ type: HealthBandEnum, nullable: true, resolve: (r) => r.bandAtCompletion as HealthBand | null }),
    startedBy: t.field({ type: UserRef, nullable: true, resolve: (r) => userRef(r.startedByUserId) }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true }),
    steps: t.field({ type: [RunStepRef], resolve: (r, _a, ctx) => ctx.loaders.runSteps.load(r.id) }),
  }),
});

builder.objectFields(CustomerRef, (t) => ({
  playbookRuns: t.field({
    type: [PlaybookRunRef],
    description: 'Newest first.',
    args: { activeOnly: t.arg.boolean() },
    resolve: async (c, { activeOnly }, ctx) => (await ctx.loaders.runsByCustomer.load(c.id)).filter((r) => !activeOnly || r.status === 'ACTIVE'),
  }),
}));

builder.mutationFields((t) => ({
  startPlaybook: t.field({
    type: PlaybookRunRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, ConflictError, InvalidStateError] },
    args: { playbookId: t.arg.id({ required: true }), customerId: t.arg.id({ required: true }) },
    resolve: (_r, { playbookId, customerId }, ctx) => ctx.services.playbooks.start(ctx.identity, playbookId, customerId),
  }),
  completePlaybookStep: t.field({
    type: RunStepRef,
    authScopes: writeScopes,
    description: 'Marks a step of a run done; the run completes with its last step.',
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { runStepId: t.arg.id({ required: true }) },
    resolve: (_r, { runStepId }, ctx) => ctx.services.playbooks.completeStep(ctx.identity, runStepId),
  }),
  cancelPlaybookRun: t.field({
    type: PlaybookRunRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { runId: t.arg.id({ required: true }) },
    resolve: (_r, { runId }, ctx) => ctx.services.playbooks.cancel(ctx.identity, runId),
  }),
}));
