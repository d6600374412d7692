/** Playbook: a template of steps (built-in or the tenant's own) and how often its runs succeed. */

import { builder } from '../builder.js';
import { type PlaybookCategory, playbookSuccessRate } from '../domain/index.js';
import type { PlaybookRow, PlaybookStepRow } from '../services/playbook.service.js';
import { PlaybookCategoryEnum } from './enums.js';
import { readScopes, writeScopes } from './scopes.js';

type RunStatus = 'ACTIVE' | 'COMPLETED' | 'CANCELLED';

const PlaybookStepRef = builder.objectRef<PlaybookStepRow>('PlaybookStep').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    index: t.exposeInt('position', { description: '0-based order within the playbook.' }),
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    dueInDays: t.exposeInt('dueInDays', { description: 'Days after the run starts.' }),
  }),
});

const SuccessRateRef = builder.objectRef<ReturnType<typeof playbookSuccessRate>>('PlaybookSuccessRate').implement({
  description: 'Completed runs with outcome SUCCESS ÷ completed runs; active and cancelled runs do not count.',
  fields: (t) => ({
    finished: t.exposeInt('finished'),
    succeeded: t.exposeInt('succeeded'),
    rate: t.exposeFloat('rate', { nullable: true, description: '0–1; null before the first finished run.' }),
  }),
});

export const PlaybookRef = builder.objectRef<PlaybookRow>('Playbook').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    templateKey: t.exposeString('templateKey', { nullable: true, description: 'Set for the built-in templates.' }),
    isTemplate: t.boolean({ resolve: (p) => p.templateKey !== null }),
    category: t.field({ type: PlaybookCategoryEnum, resolve: (p) => p.category as PlaybookCategory }),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    steps: t.field({ type: [PlaybookStepRef], resolve: (p, _a, ctx) => ctx.loaders.stepsByPlaybook.load(p.id) }),
    successRate: t.field({
      type: SuccessRateRef,
      resolve: async (p, _a, ctx) =>
        playbookSuccessRate(
          (await ctx.loaders.runsByPlaybook.load(p.id)).map((r) => ({ status: r.status as RunStatus, outcome: r.outcome as 'SUCCESS' | 'FAILURE' | null })),
        ),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('playbooks', (t) =>
  t.field({
    type: [PlaybookRef],
    authScopes: readScopes,
    description: 'The tenant’s playbooks: the built-in templates (onboarding, renewal, expansion, churn prevention) first, then its own.',
    resolve: async (_r, _a, ctx) => {
      const rows = await ctx.services.playbooks.list(ctx.identity);
      for (const p of rows) ctx.loaders.playbook.prime(p.id, p);
      return rows;
    },
  }),
);

const PlaybookStepInput = builder.inputType('PlaybookStepInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    description: t.string(),
    dueInDays: t.int({ required: true, description: 'Days after the run starts, 0–365.' }),
  }),
});
const CreatePlaybookInput = builder.inputType('CreatePlaybookInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    category: t.field({ type: PlaybookCategoryEnum, required: true }),
    steps: t.field({ type: [PlaybookStepInput], required: true, description: '1 to 50 steps, in order.' }),
  }),
});

builder.mutationField('createPlaybook', (t) =>
  t.field({
    type: PlaybookRef,
    authScopes: writeScopes,
    errors: {},
    args: { input: t.arg({ type: CreatePlaybookInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.playbooks.create(ctx.identity, input),
  }),
);
