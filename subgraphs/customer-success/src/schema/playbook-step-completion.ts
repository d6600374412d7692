/** PlaybookStepCompletion: a `playbook.step_completed@1` event, pushed on `playbookStepCompleted`. */
import { builder } from '../builder.js';
import { CustomerRef } from './customer.js';
import { type LiveEvent, subscribeTo } from './live.js';
import { PlaybookRef } from './playbook.js';
import { PlaybookRunRef } from './playbook-run.js';
import { readScopes } from './scopes.js';
import { UserRef, userRef } from './user.js';

const PlaybookStepCompletion = builder.objectRef<LiveEvent<'playbook.step_completed@1'>>('PlaybookStepCompletion').implement({
  fields: (t) => ({
    runId: t.id({ resolve: (c) => c.payload.runId }),
    playbookId: t.id({ resolve: (c) => c.payload.playbookId }),
    customerId: t.id({ resolve: (c) => c.payload.customerId }),
    stepId: t.id({ resolve: (c) => c.payload.stepId }),
    stepIndex: t.int({ resolve: (c) => c.payload.stepIndex }),
    stepTitle: t.string({ resolve: (c) => c.payload.stepTitle }),
    completedBy: t.field({ type: UserRef, nullable: true, resolve: (c) => userRef(c.payload.completedByUserId) }),
    completedAt: t.field({ type: 'DateTime', resolve: (c) => new Date(c.payload.completedAt) }),
    runCompleted: t.boolean({ resolve: (c) => c.payload.runCompleted }),
    run: t.field({ type: PlaybookRunRef, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.playbookRun.load(c.payload.runId) }),
    playbook: t.field({ type: PlaybookRef, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.playbook.load(c.payload.playbookId) }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.customer.load(c.payload.customerId) }),
  }),
});

builder.subscriptionField('playbookStepCompleted', (t) =>
  t.field({
    type: PlaybookStepCompletion,
    authScopes: readScopes,
    description: 'Steps completed in the tenant’s playbook runs, optionally of one customer and/or one playbook.',
    args: { customerId: t.arg.id(), playbookId: t.arg.id() },
    subscribe: (_r, { customerId, playbookId }, ctx) => subscribeTo(ctx, 'playbook.step_completed@1', customerId, (p) => !playbookId || p.playbookId === playbookId),
    resolve: (change) => change,
  }),
);
