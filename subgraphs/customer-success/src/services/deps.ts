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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that cannot be a uuid names nothing; checking first keeps PostgreSQL from failing the cast. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** PostgreSQL unique_violation, as both drivers report it (possibly wrapped by drizzle). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name, constraint: c } = e as { code?: string; constraint_name?: string; constraint?: string };
    if (code === '23505') return !constraint || constraint_name === constraint || c === constraint;
  }
  return false;
}

export const DAY_MS = 86_400_000;

export function daysAgo(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
