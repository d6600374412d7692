/**
 * Customer: an account of the tenant, the entity other subgraphs extend
 * (billing, analytics, governance). Its health, churn, onboarding, journey,
 * NPS, tickets and playbook runs are added by their own type files.
 */
import { ConflictError, connectionCost, InvalidStateError, NotFoundError } from '@platform/core';
import { builder } from '../builder.js';
import type { LifecycleStage, Segment } from '../services/customer.service.js';
import type { CustomerRow } from '../services/customer-lookup.js';
import { HealthBandEnum, LifecycleStageEnum, SegmentEnum } from './enums.js';
import { connection } from './page-info.js';
import { readScopes, writeScopes } from './scopes.js';
import { UserRef, userRef } from './user.js';

export const CustomerRef = builder.objectRef<CustomerRow>('Customer');
CustomerRef.implement({
  description: "An account of the tenant: one of the tenant's own customers.",
  authScopes: readScopes,
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    domain: t.exposeString('domain', { nullable: true }),
    segment: t.field({ type: SegmentEnum, resolve: (c) => c.segment as Segment }),
    lifecycleStage: t.field({ type: LifecycleStageEnum, resolve: (c) => c.lifecycleStage as LifecycleStage }),
    owner: t.field({ type: UserRef, nullable: true, description: 'The CSM who owns the account.', resolve: (c) => userRef(c.ownerUserId) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true }),
    churnedAt: t.expose('churnedAt', { type: 'DateTime', nullable: true, description: 'When the lifecycle stage became CHURNED.' }),
  }),
});
builder.asEntity(CustomerRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (ref, ctx) => ctx.loaders.customer.load(ref.id),
});

export const CustomerConnection = connection('CustomerConnection', CustomerRef);

const CustomerFilter = builder.inputType('CustomerFilter', {
  fields: (t) => ({
    segment: t.field({ type: SegmentEnum }),
    lifecycleStage: t.field({ type: LifecycleStageEnum }),
    band: t.field({ type: HealthBandEnum, description: 'Current health band.' }),
    ownerUserId: t.id(),
    search: t.string({ description: 'Part of the name, case-insensitive.' }),
    includeArchived: t.boolean({ description: 'Archived customers are left out unless true.' }),
  }),
});

builder.queryFields((t) => ({
  customer: t.field({
    type: CustomerRef,
    nullable: true,
    authScopes: readScopes,
    description: 'A customer of the current tenant (archived ones included); NOT_FOUND when there is none with this id.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.customers.get(ctx.identity, id),
  }),
  customers: t.field({
    type: CustomerConnection,
    directives: connectionCost(),
    authScopes: readScopes,
    description: 'Customers of the current tenant, oldest first.',
    args: { filter: t.arg({ type: CustomerFilter }), first: t.arg.int(), after: t.arg.string() },
    resolve: async (_r, { filter, first, after }, ctx) => {
      const page = await ctx.loaders.customerPages.load({ filter, first, after });
      for (const c of page.nodes) ctx.loaders.customer.prime(c.id, c);
      return page;
    },
  }),
}));

const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    domain: t.string({ description: 'The customer’s web domain, unique among active customers.' }),
    segment: t.field({ type: SegmentEnum, required: true }),
    lifecycleStage: t.field({ type: LifecycleStageEnum, description: 'Defaults to ONBOARDING.' }),
    ownerUserId: t.id({ description: 'The owner CSM (a user of the tenant).' }),
  }),
});
const UpdateCustomerInput = builder.inputType('UpdateCustomerInput', {
  description: 'Only the fields given change; null clears domain or owner.',
  fields: (t) => ({
    name: t.string(),
    domain: t.string(),
    segment: t.field({ type: SegmentEnum }),
    lifecycleStage: t.field({ type: LifecycleStageEnum }),
    ownerUserId: t.id(),
  }),
});

builder.mutationFields((t) => ({
  createCustomer: t.field({
    type: CustomerRef,
    authScopes: writeScopes,
    errors: { types: [ConflictError] },
    args: { input: t.arg({ type: CreateCustomerInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.customers.create(ctx.identity, input),
  }),
  updateCustomer: t.field({
    type: CustomerRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, ConflictError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateCustomerInput, required: true }) },
    resolve: (_r, { id, input }, ctx) => ctx.services.customers.update(ctx.identity, id, input),
  }),
  archiveCustomer: t.field({
    type: CustomerRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.customers.archive(ctx.identity, id),
  }),
}));
