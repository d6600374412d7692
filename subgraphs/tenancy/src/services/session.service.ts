/**
 * Sessions: a rotating, revocable refresh token (stored hashed) plus a
 * short-lived access token carrying the account, the current tenant, the role
 * and its permissions. Reusing a refresh token that was already rotated is
 * taken as theft: the whole token family is revoked.
 */
import { AuthenticationError, createRefreshToken, DomainError, ErrorCode, type Permission, parseRefreshToken, safeEqual } from '@platform/core';
import { setScope, type Tx, tenancyTables as t } from '@platform/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { TenancyDeps } from './deps.js';
import { permissionsOfRole } from './role-permissions.js';

export interface SessionTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  accountId: string;
  tenantId: string | null;
}

export interface SessionClient {
  userAgent: string | null;
  ip: string | null;
}

/** What an owner may still do while the tenant is suspended: look, resume, or delete it. */
const SUSPENDED_OWNER_PERMISSIONS: Permission[] = ['tenant:read', 'members:read', 'tenant:suspend', 'tenant:delete'];

export class TenantSuspendedError extends DomainError {
  constructor(slug: string) {
    super(ErrorCode.TENANT_SUSPENDED, `Tenant ${slug} is suspended`);
  }
}

export class SessionService {
  constructor(private readonly deps: TenancyDeps) {}

  /** Starts a new token family (sign-in, sign-up, tenant switch). */
  async start(tx: Tx, accountId: string, tenantId: string | null, client: SessionClient): Promise<SessionTokens> {
    return this.issue(tx, accountId, tenantId, crypto.randomUUID(), client);
  }

  /**
   * Rotates a refresh token. Returns null when the token was already used: the
   * family is revoked in this transaction, which the caller must commit before
   * reporting the error (throwing here would roll the revocation back).
   */
  async refresh(tx: Tx, token: string, client: SessionClient): Promise<SessionTokens | null> {
    const parsed = parseRefreshToken(token);
    const invalid = new AuthenticationError(ErrorCode.TOKEN_INVALID, 'The refresh token is not valid');
    if (!parsed) throw invalid;
    const [row] = await tx.select().from(t.refreshTokens).where(eq(t.refreshTokens.id, parsed.id));
    if (!row || !safeEqual(row.tokenHash, parsed.tokenHash) || row.revokedAt) throw invalid;
    if (row.rotatedAt) {
      await this.revokeFamily(tx, row.familyId);
      return null;
    }
    if (row.expiresAt.getTime() <= this.deps.now().getTime()) {
      throw new AuthenticationError(ErrorCode.TOKEN_EXPIRED, 'The refresh token has expired; sign in again');
    }
    const rotated = await tx
      .update(t.refreshTokens)
      .set({ rotatedAt: this.deps.now() })
      .where(and(eq(t.refreshTokens.id, row.id), isNull(t.refreshTokens.rotatedAt)))
      .returning({ id: t.refreshTokens.id });
    // A concurrent refresh with the same token won the race: treat as reuse.
    if (rotated.length === 0) {
      await this.revokeFamily(tx, row.familyId);
      return null;
    }
    return this.issue(tx, row.accountId, row.sessionTenantId, row.familyId, client);
  }

  async revokeFamily(tx: Tx, familyId: string): Promise<void> {
    await tx
      .update(t.refreshTokens)
      .set({ revokedAt: this.deps.now() })
      .where(and(eq(t.refreshTokens.familyId, familyId), isNull(t.refreshTokens.revokedAt)));
  }

  async revokeTenantSessions(tx: Tx, tenantId: string): Promise<void> {
    await tx
      .update(t.refreshTokens)
      .set({ revokedAt: this.deps.now() })
      .where(and(eq(t.refreshTokens.sessionTenantId, tenantId), isNull(t.refreshTokens.revokedAt)));
  }

  private async issue(tx: Tx, accountId: string, tenantId: string | null, familyId: string, client: SessionClient): Promise<SessionTokens> {
    const membership = tenantId ? await this.membership(tx, accountId, tenantId) : null;
    const scopedTenant = membership ? tenantId : null;
    const now = this.deps.now();
    const refresh = createRefreshToken();
    const refreshTokenExpiresAt = new Date(now.getTime() + this.deps.refreshTokenTtlDays * 86_400_000);
    await tx.insert(t.refreshTokens).values({
      id: refresh.id,
      accountId,
      familyId,
      tokenHash: refresh.tokenHash,
      sessionTenantId: scopedTenant,
      expiresAt: refreshTokenExpiresAt,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip,
    });
    const access = await this.deps.tokens.issue(
      {
        accountId,
        sessionId: familyId,
        tenantId: scopedTenant,
        userId: membership?.userId ?? null,
        role: membership?.role ?? null,
        scopes: membership?.permissions ?? [],
      },
      now,
    );
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt,
      accountId,
      tenantId: scopedTenant,
    };
  }

  /**
   * The account's active membership in a tenant, read after re-scoping the
   * transaction to that tenant so RLS shows it. Null when the account is not a
   * member; a suspended tenant refuses new tokens.
   */
  private async membership(tx: Tx, accountId: string, tenantId: string) {
    await setScope(tx, { tenantId, accountId });
    {
      const [row] = await tx
        .select({ userId: t.users.id, role: t.users.role, status: t.users.status, tenantStatus: t.tenants.status, slug: t.tenants.slug })
        .from(t.users)
        .innerJoin(t.tenants, eq(t.tenants.id, t.users.tenantId))
        .where(and(eq(t.users.accountId, accountId), eq(t.users.tenantId, tenantId)));
      if (!row || row.status !== 'ACTIVE') return null;
      if (row.tenantStatus === 'SUSPENDED') {
        // Owners keep a narrow way in, or nobody could ever resume the tenant.
        if (row.role !== 'owner') throw new TenantSuspendedError(row.slug);
        return { userId: row.userId, role: row.role, permissions: [...SUSPENDED_OWNER_PERMISSIONS] };
      }
      const permissions = (await permissionsOfRole(tx, tenantId, row.role)) ?? [];
      return { userId: row.userId, role: row.role, permissions };
    }
  }
}
