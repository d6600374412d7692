/** Resolves a role (built-in or the tenant's custom role) to its permissions. */
import { BUILT_IN_ROLES, isBuiltInRole, type Permission } from '@platform/core';
import { type Tx, tenancyTables as t } from '@platform/db';
import { and, eq } from 'drizzle-orm';

export async function permissionsOfRole(tx: Tx, tenantId: string, role: string): Promise<Permission[] | null> {
  if (isBuiltInRole(role)) return [...BUILT_IN_ROLES[role]];
  const [custom] = await tx
    .select({ permissions: t.roles.permissions })
    .from(t.roles)
    .where(and(eq(t.roles.tenantId, tenantId), eq(t.roles.key, role)));
  return custom ? (custom.permissions as Permission[]) : null;
}
