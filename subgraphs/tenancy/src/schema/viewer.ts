/** The signed-in person: their account, memberships and current tenant. */
import { tenancyTables as tables } from '@platform/db';
import { eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import { asActor } from '../services/deps.js';
import { TenantRef } from './tenant.js';
import { UserRef } from './user.js';

export const AccountRef = builder.objectRef<{ id: string }>('Account').implement({
  description: 'A person who can sign in. One account can be a member (User) of several tenants.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.string({ resolve: async (a, _x, ctx) => (await ctx.loaders.account.load(a.id))?.email ?? '' }),
    name: t.string({ resolve: async (a, _x, ctx) => (await ctx.loaders.account.load(a.id))?.name ?? '' }),
    twoFactorEnabled: t.boolean({ resolve: async (a, _x, ctx) => Boolean((await ctx.loaders.account.load(a.id))?.totpEnabledAt) }),
  }),
});

const Membership = builder.objectRef<{ userId: string; tenantId: string; role: string }>('Membership').implement({
  fields: (t) => ({
    role: t.exposeString('role'),
    user: t.field({ type: UserRef, nullable: true, resolve: (m, _a, ctx) => ctx.loaders.user.load(m.userId) }),
    tenantId: t.exposeID('tenantId'),
  }),
});

const Viewer = builder.objectRef<{ accountId: string }>('Viewer').implement({
  fields: (t) => ({
    account: t.field({ type: AccountRef, resolve: (v) => ({ id: v.accountId }) }),
    memberships: t.field({
      type: [Membership],
      description: 'Every tenant this account belongs to; switch with switchTenant.',
      resolve: (v, _a, ctx) =>
        asActor(ctx.services.deps, ctx.identity, (tx) =>
          tx.select({ userId: tables.users.id, tenantId: tables.users.tenantId, role: tables.users.role }).from(tables.users).where(eq(tables.users.accountId, v.accountId)),
        ),
    }),
    tenant: t.field({ type: TenantRef, nullable: true, resolve: (_v, _a, ctx) => (ctx.identity.tenantId ? ctx.loaders.tenant.load(ctx.identity.tenantId) : null) }),
    user: t.field({ type: UserRef, nullable: true, resolve: (_v, _a, ctx) => (ctx.identity.userId ? ctx.loaders.user.load(ctx.identity.userId) : null) }),
    permissions: t.stringList({ description: 'What the current role allows in the current tenant.', resolve: (_v, _a, ctx) => ctx.identity.scopes }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    authScopes: { authenticated: true },
    resolve: (_r, _a, ctx) => ({ accountId: ctx.identity.accountId! }),
  }),
);
