/**
 * Per-request DataLoaders. Each batch runs in one transaction scoped to the
 * caller, so RLS decides what is visible: a reference to another tenant's
 * entity resolves to null.
 */
import { BUILT_IN_ROLES, type Identity, isBuiltInRole, type Permission } from '@platform/core';
import { type Tx, tenancyTables as t } from '@platform/db';
import DataLoader from 'dataloader';
import { and, eq, getTableColumns, inArray } from 'drizzle-orm';
import { asActor, type TenancyDeps } from '../services/deps.js';

export type TenantRecord = typeof t.tenants.$inferSelect;
export type UserRecord = typeof t.users.$inferSelect & { email: string; name: string };

/** Members with their account's email and name: the shape every `User` resolver reads. */
export function selectUsers(tx: Tx) {
  return tx
    .select({ ...getTableColumns(t.users), email: t.accounts.email, name: t.accounts.name })
    .from(t.users)
    .innerJoin(t.accounts, eq(t.accounts.id, t.users.accountId));
}

export function createLoaders(deps: TenancyDeps, actor: Identity) {
  const byId = <R extends { id: string }>(fetch: (ids: string[]) => Promise<R[]>) =>
    new DataLoader<string, R | null>(async (ids) => {
      const rows = await fetch([...ids]);
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    });
  return {
    tenant: byId<TenantRecord>((ids) => asActor(deps, actor, (tx) => tx.select().from(t.tenants).where(inArray(t.tenants.id, ids)))),
    account: byId((ids) =>
      asActor(deps, actor, (tx) =>
        tx
          .select({ id: t.accounts.id, email: t.accounts.email, name: t.accounts.name, totpEnabledAt: t.accounts.totpEnabledAt, createdAt: t.accounts.createdAt })
          .from(t.accounts)
          .where(inArray(t.accounts.id, ids)),
      ),
    ),
    user: byId<UserRecord>((ids) => asActor(deps, actor, (tx) => selectUsers(tx).where(inArray(t.users.id, ids)))),
    rolePermissions: rolePermissionsLoader(deps, actor),
  };
}
export type TenancyLoaders = ReturnType<typeof createLoaders>;

/**
 * What a member's role allows (User.permissions): built-in roles from code,
 * the tenant's custom roles in one query for all the members of a list; an
 * unknown role allows nothing.
 */
function rolePermissionsLoader(deps: TenancyDeps, actor: Identity) {
  return new DataLoader<{ tenantId: string; role: string }, Permission[], string>(
    async (keys) => {
      const custom = keys.filter((k) => !isBuiltInRole(k.role));
      const rows =
        custom.length === 0
          ? []
          : await asActor(deps, actor, (tx) =>
              tx
                .select({ tenantId: t.roles.tenantId, key: t.roles.key, permissions: t.roles.permissions })
                .from(t.roles)
                .where(and(inArray(t.roles.tenantId, [...new Set(custom.map((k) => k.tenantId))]), inArray(t.roles.key, [...new Set(custom.map((k) => k.role))]))),
            );
      const byKey = new Map(rows.map((r) => [`${r.tenantId}/${r.key}`, r.permissions as Permission[]]));
      return keys.map((k) => (isBuiltInRole(k.role) ? [...BUILT_IN_ROLES[k.role]] : (byKey.get(`${k.tenantId}/${k.role}`) ?? [])));
    },
    { cacheKeyFn: (k) => `${k.tenantId}/${k.role}` },
  );
}
