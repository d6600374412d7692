/**
 * Per-request DataLoaders. Each batch runs in one transaction scoped to the
 * caller, so RLS decides what is visible: a reference to another tenant's
 * entity resolves to null.
 */
import type { Identity } from '@platform/core';
import { type Tx, tenancyTables as t } from '@platform/db';
import DataLoader from 'dataloader';
import { eq, getTableColumns, inArray } from 'drizzle-orm';
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
  };
}
export type TenancyLoaders = ReturnType<typeof createLoaders>;
