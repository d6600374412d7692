/** User: a member of a tenant (an account's membership), with role and permissions. */
import { ConflictError, decodeCursor, InvalidStateError, NotFoundError, pageSize, toPage } from '@platform/core';
import { tenancyTables as tables } from '@platform/db';
import { and, asc, eq, gt, or } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { TenancyContext } from '../context.js';
import { selectUsers, type UserRecord } from '../loaders/index.js';
import { asActor } from '../services/deps.js';
import { PageInfo } from './page-info.js';

export const UserRef = builder.objectRef<UserRecord>('User');
UserRef.implement({
  description: 'A member of the current tenant.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email', { authScopes: { permission: 'members:read' } }),
    name: t.exposeString('name'),
    role: t.exposeString('role'),
    status: t.exposeString('status'),
    tenantId: t.exposeID('tenantId'),
    joinedAt: t.expose('createdAt', { type: 'DateTime' }),
    permissions: t.stringList({
      authScopes: { permission: 'members:read' },
      resolve: (u, _a, ctx) => ctx.loaders.rolePermissions.load({ tenantId: u.tenantId, role: u.role }),
    }),
  }),
});
builder.asEntity(UserRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (ref, ctx) => ctx.loaders.user.load(ref.id),
});

export const UserConnection = builder.objectRef<{ nodes: UserRecord[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>('UserConnection').implement({
  fields: (t) => ({
    nodes: t.field({ type: [UserRef], resolve: (c) => c.nodes }),
    pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
  }),
});

/** Members of the current tenant, oldest first, keyset-paginated. */
export async function listMembers(ctx: TenancyContext, first?: number | null, after?: string | null) {
  const size = pageSize(first);
  const cursor = decodeCursor(after);
  const rows = await asActor(ctx.services.deps, ctx.identity, (tx) =>
    selectUsers(tx)
      .where(
        and(
          eq(tables.users.tenantId, ctx.identity.tenantId!),
          cursor ? or(gt(tables.users.createdAt, cursor.createdAt), and(eq(tables.users.createdAt, cursor.createdAt), gt(tables.users.id, cursor.id))) : undefined,
        ),
      )
      .orderBy(asc(tables.users.createdAt), asc(tables.users.id))
      .limit(size + 1),
  );
  for (const row of rows) ctx.loaders.user.prime(row.id, row);
  return toPage(rows, size);
}

const RemoveMemberPayload = builder.objectRef<{ removedUserId: string }>('RemoveMemberPayload').implement({
  fields: (t) => ({ removedUserId: t.exposeID('removedUserId') }),
});

builder.mutationFields((t) => ({
  changeMemberRole: t.field({
    type: UserRef,
    authScopes: { permission: 'members:manage' },
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { userId: t.arg.id({ required: true }), role: t.arg.string({ required: true }) },
    resolve: async (_r, { userId, role }, ctx) => {
      const row = await ctx.services.members.changeRole(ctx.identity, String(userId), role);
      return (await ctx.loaders.user.clear(row.id).load(row.id))!;
    },
  }),
  removeMember: t.field({
    type: RemoveMemberPayload,
    authScopes: { permission: 'members:manage' },
    errors: { types: [NotFoundError, InvalidStateError, ConflictError] },
    args: { userId: t.arg.id({ required: true }) },
    resolve: async (_r, { userId }, ctx) => ({ removedUserId: await ctx.services.members.remove(ctx.identity, String(userId)) }),
  }),
}));
