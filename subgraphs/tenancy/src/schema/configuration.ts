/** Custom roles, feature flags and typed settings of a tenant. */
import { BUILT_IN_ROLES, ConflictError, InvalidStateError, NotFoundError, PERMISSIONS } from '@platform/core';
import { tenancyTables as tables } from '@platform/db';
import { asc, eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import { readSettings, type TenantSettings } from '../services/configuration.service.js';
import { asActor } from '../services/deps.js';
import { TenantRef } from './tenant.js';

interface RoleShape {
  key: string;
  name: string;
  description: string | null;
  permissions: string[];
  builtIn: boolean;
}

const RoleRef = builder.objectRef<RoleShape>('Role').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    permissions: t.exposeStringList('permissions'),
    builtIn: t.exposeBoolean('builtIn'),
  }),
});
const FeatureFlagRef = builder.objectRef<typeof tables.featureFlags.$inferSelect>('FeatureFlag').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    enabled: t.exposeBoolean('enabled'),
    description: t.exposeString('description', { nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});
const WeekStart = builder.enumType('WeekStart', { values: ['MONDAY', 'SUNDAY'] as const });
const TenantSettingsRef = builder.objectRef<TenantSettings>('TenantSettings').implement({
  fields: (t) => ({
    timezone: t.exposeString('timezone'),
    locale: t.exposeString('locale'),
    defaultCurrency: t.exposeString('defaultCurrency'),
    weekStartsOn: t.field({ type: WeekStart, resolve: (s) => s.weekStartsOn }),
    sessionTimeoutMinutes: t.exposeInt('sessionTimeoutMinutes'),
    requireTwoFactor: t.exposeBoolean('requireTwoFactor'),
  }),
});

const builtInRoles: RoleShape[] = Object.entries(BUILT_IN_ROLES).map(([key, permissions]) => ({
  key,
  name: key[0]!.toUpperCase() + key.slice(1),
  description: null,
  permissions: [...permissions],
  builtIn: true,
}));

builder.objectFields(TenantRef, (t) => ({
  roles: t.field({
    type: [RoleRef],
    authScopes: { permission: 'members:read' },
    resolve: async (tenant, _a, ctx) => {
      const custom = await asActor(ctx.services.deps, ctx.identity, (tx) => tx.select().from(tables.roles).where(eq(tables.roles.tenantId, tenant.id)).orderBy(asc(tables.roles.key)));
      return [...builtInRoles, ...custom.map((r) => ({ ...r, builtIn: false }))];
    },
  }),
  featureFlags: t.field({
    type: [FeatureFlagRef],
    authScopes: { permission: 'tenant:read' },
    resolve: (tenant, _a, ctx) =>
      asActor(ctx.services.deps, ctx.identity, (tx) => tx.select().from(tables.featureFlags).where(eq(tables.featureFlags.tenantId, tenant.id)).orderBy(asc(tables.featureFlags.key))),
  }),
  featureEnabled: t.boolean({
    description: 'Whether a flag is on; unknown flags are off.',
    authScopes: { permission: 'tenant:read' },
    args: { key: t.arg.string({ required: true }) },
    resolve: async (tenant, { key }, ctx) => {
      const [flag] = await asActor(ctx.services.deps, ctx.identity, (tx) => tx.select().from(tables.featureFlags).where(eq(tables.featureFlags.key, key)));
      return flag?.tenantId === tenant.id && flag.enabled;
    },
  }),
  settings: t.field({ type: TenantSettingsRef, authScopes: { permission: 'tenant:read' }, resolve: (tenant) => readSettings(tenant.settings) }),
}));

const CreateRoleInput = builder.inputType('CreateRoleInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
    permissions: t.stringList({ required: true, description: `Any of: ${PERMISSIONS.join(', ')} (except owner-only ones).` }),
  }),
});
const SetFeatureFlagInput = builder.inputType('SetFeatureFlagInput', {
  fields: (t) => ({ key: t.string({ required: true }), enabled: t.boolean({ required: true }), description: t.string() }),
});
const UpdateSettingsInput = builder.inputType('UpdateSettingsInput', {
  fields: (t) => ({
    timezone: t.string(),
    locale: t.string(),
    defaultCurrency: t.string(),
    weekStartsOn: t.field({ type: WeekStart }),
    sessionTimeoutMinutes: t.int(),
    requireTwoFactor: t.boolean(),
  }),
});
const DeletedKey = builder.objectRef<{ deletedKey: string }>('DeletedKeyPayload').implement({ fields: (t) => ({ deletedKey: t.exposeString('deletedKey') }) });

builder.mutationFields((t) => ({
  createRole: t.field({
    type: RoleRef,
    authScopes: { permission: 'roles:manage' },
    errors: { types: [ConflictError] },
    args: { input: t.arg({ type: CreateRoleInput, required: true }) },
    resolve: async (_r, { input }, ctx) => ({ ...(await ctx.services.configuration.createRole(ctx.identity, input)), builtIn: false }),
  }),
  updateRolePermissions: t.field({
    type: RoleRef,
    authScopes: { permission: 'roles:manage' },
    errors: { types: [NotFoundError] },
    args: { key: t.arg.string({ required: true }), permissions: t.arg.stringList({ required: true }) },
    resolve: async (_r, { key, permissions }, ctx) => ({ ...(await ctx.services.configuration.updateRolePermissions(ctx.identity, key, permissions)), builtIn: false }),
  }),
  deleteRole: t.field({
    type: DeletedKey,
    authScopes: { permission: 'roles:manage' },
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { key: t.arg.string({ required: true }) },
    resolve: async (_r, { key }, ctx) => ({ deletedKey: await ctx.services.configuration.deleteRole(ctx.identity, key) }),
  }),
  setFeatureFlag: t.field({
    type: FeatureFlagRef,
    authScopes: { permission: 'flags:manage' },
    errors: { types: [InvalidStateError] },
    args: { input: t.arg({ type: SetFeatureFlagInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.configuration.setFlag(ctx.identity, input),
  }),
  deleteFeatureFlag: t.field({
    type: DeletedKey,
    authScopes: { permission: 'flags:manage' },
    errors: { types: [NotFoundError] },
    args: { key: t.arg.string({ required: true }) },
    resolve: async (_r, { key }, ctx) => ({ deletedKey: await ctx.services.configuration.deleteFlag(ctx.identity, key) }),
  }),
  updateSettings: t.field({
    type: TenantSettingsRef,
    authScopes: { permission: 'settings:manage' },
    errors: {},
    args: { input: t.arg({ type: UpdateSettingsInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.configuration.updateSettings(ctx.identity, input),
  }),
}));
