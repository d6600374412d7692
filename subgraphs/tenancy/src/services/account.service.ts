/**
 * Accounts (people) and how they sign in: sign-up, password sign-in with an
 * optional TOTP second factor, token refresh, tenant switch, sign-out.
 */
import {
  AuthenticationError,
  ConflictError,
  ErrorCode,
  generateTotpSecret,
  hashPassword,
  type Identity,
  InvalidStateError,
  parseInput,
  checkPasswordStrength,
  totpUri,
  ValidationError,
  verifyPassword,
  verifyTotp,
} from '@platform/core';
import { setScope, type Tx, tenancyTables as t } from '@platform/db';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { asActor, isUniqueViolation, requireAccount, type TenancyDeps } from './deps.js';
import { type SessionClient, SessionService, type SessionTokens } from './session.service.js';

export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email({ message: 'must be a valid email address' }));

const signUpInput = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, 'is required').max(120),
  password: z.string().max(256),
});

const signInInput = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(256),
  totpCode: z.string().trim().optional().nullable(),
  tenantId: z.uuid({ message: 'must be a tenant id' }).optional().nullable(),
});

// A real hash to verify against when the email is unknown, so the response time
// does not reveal which emails have accounts.
const DUMMY_HASH = hashPassword('not-a-real-password-for-timing');

export class AccountService {
  readonly sessions: SessionService;
  constructor(private readonly deps: TenancyDeps) {
    this.sessions = new SessionService(deps);
  }

  async signUp(actor: Identity, raw: unknown): Promise<SessionTokens> {
    const input = parseInput(signUpInput, raw);
    const strength = checkPasswordStrength(input.password, [input.email.split('@')[0] ?? '', input.name]);
    if (!strength.ok) throw ValidationError.single('input.password', strength.reason);
    const passwordHash = await hashPassword(input.password);
    return asActor(this.deps, actor, async (tx) => {
      try {
        const [account] = await tx.insert(t.accounts).values({ email: input.email, name: input.name, passwordHash }).returning();
        return await this.sessions.start(tx, account!.id, null, client(actor));
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('An account with this email already exists', 'input.email');
        throw err;
      }
    });
  }

  async signIn(actor: Identity, raw: unknown): Promise<SessionTokens> {
    const input = parseInput(signInInput, raw);
    const invalid = new AuthenticationError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct');
    return asActor(this.deps, actor, async (tx) => {
      const [account] = await tx.select().from(t.accounts).where(sql`lower(${t.accounts.email}) = ${input.email}`);
      const ok = await verifyPassword(account?.passwordHash ?? (await DUMMY_HASH), input.password);
      if (!account || !ok) throw invalid;
      if (account.totpEnabledAt && account.totpSecret) {
        if (!input.totpCode) throw new AuthenticationError(ErrorCode.TOTP_REQUIRED, 'Enter the code from your authenticator app');
        if (!verifyTotp(account.totpSecret, input.totpCode, this.deps.now())) throw invalid;
      }
      await tx.update(t.accounts).set({ lastSignInAt: this.deps.now() }).where(eq(t.accounts.id, account.id));
      const tenantId = input.tenantId ?? (await this.soleTenant(tx, account.id));
      return this.sessions.start(tx, account.id, tenantId, client(actor));
    });
  }

  async refresh(actor: Identity, refreshToken: string): Promise<SessionTokens> {
    const tokens = await asActor(this.deps, actor, (tx) => this.sessions.refresh(tx, refreshToken, client(actor)));
    if (!tokens) throw new AuthenticationError(ErrorCode.TOKEN_INVALID, 'The refresh token was already used; the session has been revoked');
    return tokens;
  }

  /** New tokens scoped to another tenant the account belongs to. */
  async switchTenant(actor: Identity, tenantId: string): Promise<SessionTokens> {
    const accountId = requireAccount(actor);
    return asActor(this.deps, actor, async (tx) => {
      const tokens = await this.sessions.start(tx, accountId, tenantId, client(actor));
      if (tokens.tenantId !== tenantId) throw new InvalidStateError('You are not a member of that tenant');
      if (actor.sessionId) await this.sessions.revokeFamily(tx, actor.sessionId);
      return tokens;
    });
  }

  async signOut(actor: Identity): Promise<boolean> {
    const sessionId = actor.sessionId;
    if (!sessionId) return false;
    await asActor(this.deps, actor, (tx) => this.sessions.revokeFamily(tx, sessionId));
    return true;
  }

  async beginTotpEnrollment(actor: Identity): Promise<{ secret: string; uri: string }> {
    const accountId = requireAccount(actor);
    return asActor(this.deps, actor, async (tx) => {
      const account = await this.account(tx, accountId);
      if (account.totpEnabledAt) throw new InvalidStateError('Two-factor sign-in is already enabled');
      const secret = generateTotpSecret();
      await tx.update(t.accounts).set({ totpSecret: secret }).where(eq(t.accounts.id, accountId));
      return { secret, uri: totpUri({ secret, accountName: account.email, issuer: 'B2B Ops Platform' }) };
    });
  }

  async confirmTotp(actor: Identity, code: string): Promise<boolean> {
    const accountId = requireAccount(actor);
    return asActor(this.deps, actor, async (tx) => {
      const account = await this.account(tx, accountId);
      if (!account.totpSecret) throw new InvalidStateError('Start two-factor enrollment first');
      if (!verifyTotp(account.totpSecret, code, this.deps.now())) throw ValidationError.single('code', 'The code is not correct');
      await tx.update(t.accounts).set({ totpEnabledAt: this.deps.now() }).where(eq(t.accounts.id, accountId));
      return true;
    });
  }

  async disableTotp(actor: Identity, code: string): Promise<boolean> {
    const accountId = requireAccount(actor);
    return asActor(this.deps, actor, async (tx) => {
      const account = await this.account(tx, accountId);
      if (!account.totpEnabledAt || !account.totpSecret) throw new InvalidStateError('Two-factor sign-in is not enabled');
      if (!verifyTotp(account.totpSecret, code, this.deps.now())) throw ValidationError.single('code', 'The code is not correct');
      await tx.update(t.accounts).set({ totpSecret: null, totpEnabledAt: null }).where(eq(t.accounts.id, accountId));
      return true;
    });
  }

  async account(tx: Tx, accountId: string) {
    const [account] = await tx.select().from(t.accounts).where(eq(t.accounts.id, accountId));
    if (!account) throw new AuthenticationError(ErrorCode.UNAUTHENTICATED, 'The account no longer exists');
    return account;
  }

  /** With exactly one active membership, sign straight into it. */
  private async soleTenant(tx: Tx, accountId: string): Promise<string | null> {
    await setScope(tx, { tenantId: null, accountId });
    const rows = await tx.select({ tenantId: t.users.tenantId }).from(t.users).where(eq(t.users.accountId, accountId)).limit(2);
    return rows.length === 1 ? rows[0]!.tenantId : null;
  }
}

function client(actor: Identity): SessionClient {
  return { userAgent: actor.userAgent, ip: actor.clientIp };
}
