/** Tenant: the company using the platform. Its lifecycle, tier, trial and limits. */
import { ConflictError, connectionCost, InvalidStateError, LimitExceededError } from '@platform/core';
import { builder } from '../builder.js';
import type { TenantRecord } from '../loaders/index.js';
import type { SessionTokens } from '../services/session.service.js';
import { effectiveTier, isTrialActive, TIER_NAMES, TIERS } from '../tiers.js';
import { AuthSession } from './session.js';
import { listMembers, UserConnection } from './user.js';

export const TierEnum = builder.enumType('Tier', { values: TIER_NAMES });
const TenantStatus = builder.enumType('TenantStatus', { values: ['TRIALING', 'ACTIVE', 'SUSPENDED'] as const });

const TierLimits = builder.objectRef<{ tier: (typeof TIER_NAMES)[number] }>('TierLimits').implement({
  fields: (t) => ({
    tier: t.field({ type: TierEnum, resolve: (l) => l.tier }),
    maxUsers: t.int({ nullable: true, description: 'null = unlimited', resolve: (l) => TIERS[l.tier].maxUsers }),
    apiCallsPerMonth: t.int({ nullable: true, description: 'null = unlimited', resolve: (l) => TIERS[l.tier].apiCallsPerMonth }),
    storageBytes: t.float({ nullable: true, description: 'null = unlimited', resolve: (l) => TIERS[l.tier].storageBytes }),
    features: t.stringList({ resolve: (l) => [...TIERS[l.tier].features] }),
  }),
});

const Trial = builder.objectRef<TenantRecord>('Trial').implement({
  fields: (t) => ({
    tier: t.field({ type: TierEnum, resolve: (r) => r.trialTier as (typeof TIER_NAMES)[number] }),
    endsAt: t.field({ type: 'DateTime', resolve: (r) => r.trialEndsAt! }),
    active: t.boolean({ resolve: (r, _a, ctx) => isTrialActive(r, ctx.services.deps.now()) }),
    daysRemaining: t.int({
      resolve: (r, _a, ctx) => Math.max(0, Math.ceil((r.trialEndsAt!.getTime() - ctx.services.deps.now().getTime()) / 86_400_000)),
    }),
  }),
});

export const TenantRef = builder.objectRef<TenantRecord>('Tenant');
TenantRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    tier: t.field({ type: TierEnum, description: 'The tier paid for.', resolve: (r) => r.tier as (typeof TIER_NAMES)[number] }),
    effectiveTier: t.field({ type: TierEnum, description: 'The tier whose limits apply now (the trial tier during a trial).', resolve: (r, _a, ctx) => effectiveTier(r, ctx.services.deps.now()) }),
    limits: t.field({ type: TierLimits, resolve: (r, _a, ctx) => ({ tier: effectiveTier(r, ctx.services.deps.now()) }) }),
    status: t.field({
      type: TenantStatus,
      resolve: (r, _a, ctx) => (r.status === 'SUSPENDED' ? 'SUSPENDED' : isTrialActive(r, ctx.services.deps.now()) ? 'TRIALING' : 'ACTIVE'),
    }),
    trial: t.field({ type: Trial, nullable: true, resolve: (r) => (r.trialTier && r.trialEndsAt ? r : null) }),
    suspendedAt: t.expose('suspendedAt', { type: 'DateTime', nullable: true }),
    suspensionReason: t.exposeString('suspensionReason', { nullable: true, authScopes: { permission: 'tenant:read' } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    members: t.field({
      type: UserConnection,
      directives: connectionCost(),
      authScopes: { permission: 'members:read' },
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: (_r, { first, after }, ctx) => listMembers(ctx, first, after),
    }),
  }),
});
builder.asEntity(TenantRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (ref, ctx) => ctx.loaders.tenant.load(ref.id),
});

builder.queryField('tenant', (t) =>
  t.field({
    type: TenantRef,
    nullable: true,
    description: 'The tenant the caller is signed in to.',
    authScopes: { tenantMember: true },
    resolve: (_r, _a, ctx) => ctx.loaders.tenant.load(ctx.identity.tenantId!),
  }),
);

const CreateTenantInput = builder.inputType('CreateTenantInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    slug: t.string({ required: true, description: '3–48 characters: a–z, 0–9, inner hyphens. Unique.' }),
    tier: t.field({ type: TierEnum, description: 'A paid tier starts a 14-day trial of it; FREE (default) starts no trial.' }),
  }),
});
const UpdateTenantInput = builder.inputType('UpdateTenantInput', { fields: (t) => ({ name: t.string(), slug: t.string() }) });

const CreateTenantPayload = builder.objectRef<{ tenant: TenantRecord; session: SessionTokens }>('CreateTenantPayload').implement({
  fields: (t) => ({
    tenant: t.field({ type: TenantRef, resolve: (p) => p.tenant }),
    session: t.field({ type: AuthSession, description: 'A session acting in the new tenant, as its owner.', resolve: (p) => p.session }),
  }),
});
const DeleteTenantPayload = builder.objectRef<{ deletedTenantId: string }>('DeleteTenantPayload').implement({
  fields: (t) => ({ deletedTenantId: t.exposeID('deletedTenantId') }),
});

builder.mutationFields((t) => ({
  createTenant: t.field({
    type: CreateTenantPayload,
    authScopes: { authenticated: true },
    errors: { types: [ConflictError] },
    args: { input: t.arg({ type: CreateTenantInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.tenants.create(ctx.identity, input),
  }),
  updateTenant: t.field({
    type: TenantRef,
    authScopes: { permission: 'tenant:update' },
    errors: { types: [ConflictError, InvalidStateError] },
    args: { input: t.arg({ type: UpdateTenantInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.tenants.update(ctx.identity, input),
  }),
  suspendTenant: t.field({
    type: TenantRef,
    authScopes: { permission: 'tenant:suspend' },
    errors: { types: [InvalidStateError] },
    args: { reason: t.arg.string({ required: true }) },
    resolve: (_r, { reason }, ctx) => ctx.services.tenants.suspend(ctx.identity, reason),
  }),
  resumeTenant: t.field({
    type: TenantRef,
    authScopes: { permission: 'tenant:suspend' },
    errors: { types: [InvalidStateError] },
    resolve: (_r, _a, ctx) => ctx.services.tenants.resume(ctx.identity),
  }),
  deleteTenant: t.field({
    type: DeleteTenantPayload,
    authScopes: { permission: 'tenant:delete' },
    errors: { types: [InvalidStateError] },
    args: { confirmSlug: t.arg.string({ required: true, description: 'Repeat the tenant slug to confirm.' }) },
    resolve: async (_r, { confirmSlug }, ctx) => ({ deletedTenantId: await ctx.services.tenants.delete(ctx.identity, confirmSlug) }),
  }),
  changeTier: t.field({
    type: TenantRef,
    authScopes: { permission: 'tenant:change_tier' },
    errors: { types: [LimitExceededError, InvalidStateError] },
    args: { tier: t.arg({ type: TierEnum, required: true }) },
    resolve: (_r, { tier }, ctx) => ctx.services.tenants.changeTier(ctx.identity, tier),
  }),
}));
