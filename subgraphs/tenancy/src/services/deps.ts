/** What the tenancy services need from the outside world; injectable for tests. */
import type { AccessTokenIssuer, Identity } from '@platform/core';
import { type AppDatabase, inScope, type Tx } from '@platform/db';
import type { TxtResolver } from './domains/domain-verification.js';

export interface TenancyDeps {
  db: AppDatabase;
  tokens: AccessTokenIssuer;
  now: () => Date;
  txtResolver: TxtResolver;
  /** Public origin of the gateway, used in invitation links and embed code. */
  publicOrigin: string;
  refreshTokenTtlDays: number;
  invitationTtlDays: number;
}

/** Runs work in a transaction scoped to the actor's tenant and account (RLS). */
export function asActor<T>(deps: TenancyDeps, actor: Identity, work: (tx: Tx) => Promise<T>): Promise<T> {
  return inScope(deps.db, { tenantId: actor.tenantId, accountId: actor.accountId }, work);
}

export function requireTenant(actor: Identity): string {
  if (!actor.tenantId) throw new Error('tenant-scoped service called without a tenant (resolver auth scopes should prevent this)');
  return actor.tenantId;
}

export function requireAccount(actor: Identity): string {
  if (!actor.accountId) throw new Error('account-scoped service called without an account');
  return actor.accountId;
}

export { isUniqueViolation } from '@platform/db';
