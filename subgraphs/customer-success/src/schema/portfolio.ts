/**
 * CsmPortfolio: a CSM's accounts, workload and prioritised tasks, on `User`
 * (tenancy's entity) and as `myPortfolio`; and the CSM's own manual tasks.
 */
import { DEFAULT_PAGE_SIZE, InvalidStateError, listCost, NotFoundError } from '@platform/core';
import { builder } from '../builder.js';
import type { WorkloadSummary } from '../domain/index.js';
import type { CsmTaskRow, Portfolio, PortfolioTask } from '../services/portfolio.service.js';
import { CustomerRef } from './customer.js';
import { TaskSourceEnum, TaskStatusEnum, WorkloadLevelEnum } from './enums.js';
import { readScopes, writeScopes } from './scopes.js';
import { UserRef, userRef } from './user.js';

const WorkloadRef = builder.objectRef<WorkloadSummary>('WorkloadSummary').implement({
  fields: (t) => ({
    customers: t.exposeInt('customers'),
    atRiskCustomers: t.exposeInt('atRiskCustomers', { description: 'Customers in the red band.' }),
    openTasks: t.exposeInt('openTasks'),
    overdueTasks: t.exposeInt('overdueTasks'),
    load: t.field({ type: WorkloadLevelEnum, resolve: (w) => w.load }),
    loadPoints: t.exposeFloat('loadPoints', { description: 'The figure the load level is read from (docs/customer-success-methods.md, "Portfolio").' }),
  }),
});

const PortfolioTaskRef = builder.objectRef<PortfolioTask>('PortfolioTask').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Id of the onboarding task, playbook run step or CSM task.' }),
    source: t.field({ type: TaskSourceEnum, resolve: (p) => p.source }),
    title: t.exposeString('title'),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (p, _a, ctx) => (p.customerId ? ctx.loaders.customer.load(p.customerId) : null) }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    priority: t.exposeFloat('priority', { description: 'Higher first; the sum of the points listed in reasons.' }),
    reasons: t.exposeStringList('reasons'),
  }),
});

const PortfolioRef = builder.objectRef<Portfolio>('CsmPortfolio').implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (p) => userRef(p.userId)! }),
    customers: t.field({
      type: [CustomerRef],
      // Unpaginated: a CSM's book of business, priced like a page of customers.
      directives: listCost(DEFAULT_PAGE_SIZE),
      description: 'Active customers the user owns, by name.',
      resolve: (p, _a, ctx) => {
        for (const c of p.customers) ctx.loaders.customer.prime(c.id, c);
        return p.customers;
      },
    }),
    workload: t.field({ type: WorkloadRef, resolve: (p) => p.workload }),
    prioritisedTasks: t.field({ type: [PortfolioTaskRef], description: 'Open tasks, highest priority first.', resolve: (p) => p.tasks }),
  }),
});

const CsmTaskRef = builder.objectRef<CsmTaskRow>('CsmTask').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.exposeString('title'),
    status: t.field({ type: TaskStatusEnum, resolve: (r) => r.status as 'OPEN' | 'DONE' }),
    owner: t.field({ type: UserRef, resolve: (r) => userRef(r.ownerUserId)! }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (r, _a, ctx) => (r.customerId ? ctx.loaders.customer.load(r.customerId) : null) }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.objectFields(UserRef, (t) => ({
  csmPortfolio: t.field({
    type: PortfolioRef,
    // Nullable: if customer-success is down, only this field is null, not the user (docs/decisions.md).
    nullable: true,
    authScopes: readScopes,
    description: 'The accounts this user owns as CSM, their workload and prioritised tasks.',
    resolve: (u, _a, ctx) => ctx.loaders.portfolioByUser.load(u.id),
  }),
}));

builder.queryField('myPortfolio', (t) =>
  t.field({
    type: PortfolioRef,
    authScopes: readScopes,
    description: 'The caller’s own CSM portfolio.',
    resolve: (_r, _a, ctx) => ctx.services.portfolio.portfolio(ctx.identity, ctx.identity.userId!),
  }),
);

const CreateCsmTaskInput = builder.inputType('CreateCsmTaskInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    dueAt: t.field({ type: 'DateTime' }),
    customerId: t.id({ description: 'The customer the task is about, if any.' }),
    ownerUserId: t.id({ description: 'Defaults to the caller.' }),
  }),
});

builder.mutationFields((t) => ({
  createCsmTask: t.field({
    type: CsmTaskRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { input: t.arg({ type: CreateCsmTaskInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.portfolio.createTask(ctx.identity, input),
  }),
  completeCsmTask: t.field({
    type: CsmTaskRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.portfolio.completeTask(ctx.identity, id),
  }),
}));
