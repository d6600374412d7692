/**
 * Runs work in a transaction bound to one tenant. Row-level security policies
 * read `app.tenant_id` and `app.account_id`; set_config(..., true) scopes them
 * to this transaction, so a pooled connection never leaks a tenant to the next
 * request.
 */
import { sql } from 'drizzle-orm';
import type { AppDatabase } from './client.js';

export type Tx = Parameters<Parameters<AppDatabase['transaction']>[0]>[0];

export interface TenantScope {
  tenantId: string | null;
  accountId: string | null;
}

export async function inScope<T>(db: AppDatabase, scope: TenantScope, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await setScope(tx, scope);
    return work(tx);
  });
}

/**
 * Re-scopes a running transaction, for the rare flow that moves between tenants
 * inside one unit of work (creating a tenant, accepting an invitation). Never
 * open a second transaction instead: PGlite has one connection and would wait
 * on itself.
 */
export async function setScope(tx: Tx, scope: TenantScope): Promise<void> {
  await tx.execute(
    sql`select set_config('app.tenant_id', ${scope.tenantId ?? ''}, true), set_config('app.account_id', ${scope.accountId ?? ''}, true)`,
  );
}
