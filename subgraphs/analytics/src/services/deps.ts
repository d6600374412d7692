/** What the analytics services need from the outside world; injectable for tests. */
import type { Identity, Logger } from '@platform/core';
import { type AppDatabase, inScope, type LiveEvents, type Tx } from '@platform/db';

export interface AnalyticsDeps {
  db: AppDatabase;
  /** Committed events fanned out to subscriptions (not durable). */
  live: LiveEvents;
  now: () => Date;
  logger?: Logger;
  /** How often the usage publisher sends `usage.recorded@1` for customers with new events; 0 turns it off. */
  usagePublishIntervalMs?: number;
}

/** Runs work in one transaction scoped to the actor's tenant and account (RLS). */
export function asActor<T>(deps: AnalyticsDeps, actor: Identity, work: (tx: Tx) => Promise<T>): Promise<T> {
  return inScope(deps.db, { tenantId: actor.tenantId, accountId: actor.accountId }, work);
}

/** Runs system work (ingestion by key, the usage publisher) in one transaction scoped to a tenant. */
export function asTenant<T>(deps: AnalyticsDeps, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return inScope(deps.db, { tenantId, accountId: null }, work);
}

export function requireTenant(actor: Identity): string {
  if (!actor.tenantId) throw new Error('tenant-scoped service called without a tenant (resolver auth scopes should prevent this)');
  return actor.tenantId;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
