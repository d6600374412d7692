/**
 * Auth scopes for the Pothos scope-auth plugin, the same in every subgraph.
 * `permission` checks the scopes the gateway forwarded; authorization failures
 * are top-level GraphQL errors (UNAUTHENTICATED / FORBIDDEN), not typed results.
 */
import { GraphQLError } from 'graphql';
import type { Identity } from '../auth/index.js';
import type { Permission } from '../permissions.js';

export interface PlatformAuthScopes {
  /** Anyone who came through the gateway, signed in or not. */
  public: boolean;
  /** A signed-in account, with or without a current tenant. */
  authenticated: boolean;
  /** A signed-in member of a current tenant. */
  tenantMember: boolean;
  permission: Permission;
  /** Platform-internal callers (the gateway's own bookkeeping), by purpose. */
  internal: string;
}

export function platformAuthScopes(identity: Identity) {
  return {
    public: true,
    authenticated: identity.accountId !== null,
    tenantMember: identity.accountId !== null && identity.tenantId !== null && identity.userId !== null,
    permission: (permission: Permission) => identity.tenantId !== null && identity.scopes.includes(permission),
    internal: (purpose: string) => identity.authMethod === 'internal' && identity.scopes.includes(`internal:${purpose}`),
  };
}

export function unauthorizedError(identity: Identity, message: string): GraphQLError {
  if (identity.accountId === null && identity.authMethod !== 'internal') {
    return new GraphQLError('Sign in to do this', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  return new GraphQLError(message || 'You do not have permission to do this', { extensions: { code: 'FORBIDDEN' } });
}
