/** What the customer-success services need from the outside world; injectable for tests. */
import type { Identity } from '@platform/core';
import { type AppDatabase, inScope, type LiveEvents, type Tx } from '@platform/db';

export interface CustomerSuccessDeps {
  db: AppDatabase;
  /** Committed events fanned out to subscriptions (not durable). */
  live: LiveEvents;
  now: () => Date;
}

/** Runs work in one transaction scoped to the actor's tenant and account (RLS). */
export function asActor<T>(deps: CustomerSuccessDeps, actor: Identity, work: (tx: Tx) => Promise<T>): Promise<T> {
  return inScope(deps.db, { tenantId: actor.tenantId, accountId: actor.accountId }, work);
}

export function requireTenant(actor: Identity): string {
  if (!actor.tenantId) throw new Error('tenant-scoped service called without a tenant (resolver auth scopes should prevent this)');
  return actor.tenantId;
}

export { isUniqueViolation, isUuid } from '@platform/db';

export const DAY_MS = 86_400_000;

export function daysAgo(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
