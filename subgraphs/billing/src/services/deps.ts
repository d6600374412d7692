/** What the billing services need from the outside world; injectable for tests. */
import type { Identity, Logger } from '@platform/core';
import { type AppDatabase, inScope, type LiveEvents, type Tx } from '@platform/db';
import type { PaymentProvider } from './payment-provider.js';

export interface BillingDeps {
  db: AppDatabase;
  /** Committed events fanned out to subscriptions (not durable). */
  live: LiveEvents;
  now: () => Date;
  /** Where charges are requested; outcomes come back through the provider's webhooks. */
  paymentProvider: PaymentProvider;
  logger?: Logger;
}

/** Runs work in one transaction scoped to the actor's tenant and account (RLS). */
export function asActor<T>(deps: BillingDeps, actor: Identity, work: (tx: Tx) => Promise<T>): Promise<T> {
  return inScope(deps.db, { tenantId: actor.tenantId, accountId: actor.accountId }, work);
}

/** Runs system work (billing run, webhooks) in one transaction scoped to a tenant. */
export function asTenant<T>(deps: BillingDeps, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return inScope(deps.db, { tenantId, accountId: null }, work);
}

export function requireTenant(actor: Identity): string {
  if (!actor.tenantId) throw new Error('tenant-scoped service called without a tenant (resolver auth scopes should prevent this)');
  return actor.tenantId;
}

export const DAY_MS = 86_400_000;
