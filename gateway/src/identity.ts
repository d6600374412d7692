/**
 * Who is calling: the gateway turns an `Authorization: Bearer <jwt>` header into
 * an Identity (or an anonymous one) that travels, signed, to every subgraph.
 * A present but bad token is an error (401), never silently anonymous.
 */
import { type AccessTokenVerifier, AuthTokenError, type Identity } from '@platform/core';
import { GraphQLError } from 'graphql';

export interface CallerInfo {
  authorization: string | undefined;
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
}

export interface GatewayContext {
  identity: Identity;
}

export function anonymousIdentity(caller: Omit<CallerInfo, 'authorization'>): Identity {
  return { accountId: null, sessionId: null, tenantId: null, userId: null, role: null, scopes: [], authMethod: 'anonymous', ...caller };
}

export function createAuthenticator(verifier: AccessTokenVerifier) {
  return async function authenticate(caller: CallerInfo): Promise<Identity> {
    const { authorization, ...rest } = caller;
    if (!authorization) return anonymousIdentity(rest);
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthenticated('TOKEN_INVALID', 'The Authorization header must be "Bearer <access token>"');
    try {
      const claims = await verifier.verify(match[1]!);
      return {
        accountId: claims.accountId,
        sessionId: claims.sessionId,
        tenantId: claims.tenantId,
        userId: claims.userId,
        role: claims.role,
        scopes: claims.scopes,
        authMethod: 'access_token',
        ...rest,
      };
    } catch (err) {
      if (err instanceof AuthTokenError) {
        throw unauthenticated(err.code, err.code === 'TOKEN_EXPIRED' ? 'The access token has expired; refresh the session' : 'The access token is not valid');
      }
      throw err;
    }
  };
}

function unauthenticated(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 401 } } });
}
