/**
 * Members of a tenant and how they join: invitations (shown once, stored
 * hashed, bound to an email, expiring), acceptance, role changes and removal.
 * A tenant always keeps at least one owner, and only owners make or unmake
 * owners.
 */
import { ConflictError, hashOpaqueToken, type Identity, InvalidStateError, NotFoundError, parseInput, ValidationError } from '@platform/core';
import { recordEvents, rowsOf, setScope, type Tx, tenancyTables as t } from '@platform/db';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { emailSchema } from './account.service.js';
import { asActor, requireAccount, requireTenant, type TenancyDeps } from './deps.js';
import { permissionsOfRole } from './role-permissions.js';
import type { SessionService, SessionTokens } from './session.service.js';
import type { UsageService } from './usage.service.js';

const inviteInput = z.object({ email: emailSchema, role: z.string().trim().min(1).max(64).default('member') });

export type InvitationRow = typeof t.invitations.$inferSelect;
export type UserRow = typeof t.users.$inferSelect;

export class MemberService {
  constructor(
    private readonly deps: TenancyDeps,
    private readonly sessions: SessionService,
    private readonly usage: UsageService,
  ) {}

  /** Creates an invitation; the plain token is returned once and never stored. */
  async invite(actor: Identity, raw: unknown): Promise<{ invitation: InvitationRow; token: string; acceptUrl: string }> {
    const tenantId = requireTenant(actor);
    const input = parseInput(inviteInput, raw);
    return asActor(this.deps, actor, async (tx) => {
      await this.assertRoleAssignable(tx, actor, tenantId, input.role, 'input.role');
      const [member] = await tx
        .select({ id: t.users.id })
        .from(t.users)
        .innerJoin(t.accounts, eq(t.accounts.id, t.users.accountId))
        .where(and(eq(t.users.tenantId, tenantId), sql`lower(${t.accounts.email}) = ${input.email}`));
      if (member) throw new ConflictError(`${input.email} is already a member`, 'input.email');
      const [pending] = await tx
        .select({ id: t.invitations.id })
        .from(t.invitations)
        .where(and(eq(t.invitations.tenantId, tenantId), eq(t.invitations.email, input.email), eq(t.invitations.status, 'PENDING'), gt(t.invitations.expiresAt, this.deps.now())));
      if (pending) throw new ConflictError(`${input.email} already has a pending invitation`, 'input.email');
      await this.usage.assertSeatsAvailable(tx, tenantId, 1);
      const token = `inv_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`;
      const [invitation] = await tx
        .insert(t.invitations)
        .values({
          tenantId,
          email: input.email,
          role: input.role,
          tokenHash: hashOpaqueToken(token),
          invitedByUserId: actor.userId,
          expiresAt: new Date(this.deps.now().getTime() + this.deps.invitationTtlDays * 86_400_000),
        })
        .returning();
      await recordEvents(tx, t.tenancyOutbox, [
        { tenantId, type: 'invitation.created@1', aggregateType: 'invitation', aggregateId: invitation!.id, payload: { email: input.email, role: input.role } },
      ]);
      return { invitation: invitation!, token, acceptUrl: `${this.deps.publicOrigin}/invitations/accept?token=${encodeURIComponent(token)}` };
    });
  }

  /** The signed-in account joins the inviting tenant; returns a session scoped to it. */
  async accept(actor: Identity, token: string): Promise<{ user: UserRow; session: SessionTokens }> {
    const accountId = requireAccount(actor);
    const tokenHash = hashOpaqueToken(token.trim());
    return asActor(this.deps, actor, async (tx) => {
      const found = await tx.execute(sql`select tenancy.invitation_tenant_id(${tokenHash}) as tenant_id`);
      const tenantId = rowsOf<{ tenant_id: string | null }>(found)[0]?.tenant_id;
      if (!tenantId) throw new NotFoundError('Invitation', 'token');
      await setScope(tx, { tenantId, accountId });
      const [invitation] = await tx.select().from(t.invitations).where(eq(t.invitations.tokenHash, tokenHash));
      if (!invitation) throw new NotFoundError('Invitation', 'token');
      if (invitation.status !== 'PENDING') throw new InvalidStateError(`The invitation is ${invitation.status.toLowerCase()}`);
      if (invitation.expiresAt.getTime() <= this.deps.now().getTime()) {
        await tx.update(t.invitations).set({ status: 'EXPIRED' }).where(eq(t.invitations.id, invitation.id));
        throw new InvalidStateError('The invitation has expired; ask for a new one');
      }
      const [account] = await tx.select({ email: t.accounts.email }).from(t.accounts).where(eq(t.accounts.id, accountId));
      if (account?.email.toLowerCase() !== invitation.email) throw new InvalidStateError('The invitation was sent to a different email address');
      const [tenant] = await tx.select({ status: t.tenants.status }).from(t.tenants).where(eq(t.tenants.id, tenantId));
      if (tenant?.status === 'SUSPENDED') throw new InvalidStateError('The tenant is suspended');
      // The pending invitation already holds a seat; converting it adds none.
      const [user] = await tx.insert(t.users).values({ tenantId, accountId, role: invitation.role }).onConflictDoNothing().returning();
      if (!user) throw new ConflictError('You are already a member of this tenant');
      await tx.update(t.invitations).set({ status: 'ACCEPTED', acceptedAt: this.deps.now(), acceptedUserId: user.id }).where(eq(t.invitations.id, invitation.id));
      await recordEvents(tx, t.tenancyOutbox, [
        { tenantId, type: 'member.joined@1', aggregateType: 'user', aggregateId: user.id, payload: { userId: user.id, role: user.role, invitationId: invitation.id } },
      ]);
      const session = await this.sessions.start(tx, accountId, tenantId, { userAgent: actor.userAgent, ip: actor.clientIp });
      return { user, session };
    });
  }

  async revokeInvitation(actor: Identity, invitationId: string): Promise<InvitationRow> {
    return asActor(this.deps, actor, async (tx) => {
      const [row] = await tx
        .update(t.invitations)
        .set({ status: 'REVOKED' })
        .where(and(eq(t.invitations.id, invitationId), eq(t.invitations.status, 'PENDING')))
        .returning();
      if (!row) throw new NotFoundError('PendingInvitation', invitationId);
      return row;
    });
  }

  async changeRole(actor: Identity, userId: string, role: string): Promise<UserRow> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      const target = await this.member(tx, tenantId, userId);
      await this.assertRoleAssignable(tx, actor, tenantId, role, 'role');
      if (target.role === 'owner' && actor.role !== 'owner') throw new InvalidStateError('Only an owner can change an owner');
      if (target.role === 'owner' && role !== 'owner') await this.assertAnotherOwner(tx, tenantId, userId);
      const [row] = await tx.update(t.users).set({ role, updatedAt: this.deps.now() }).where(and(eq(t.users.id, userId), eq(t.users.tenantId, tenantId))).returning();
      if (!row) throw new NotFoundError('User', userId);
      await recordEvents(tx, t.tenancyOutbox, [
        { tenantId, type: 'member.role_changed@1', aggregateType: 'user', aggregateId: userId, payload: { from: target.role, to: role } },
      ]);
      return row!;
    });
  }

  async remove(actor: Identity, userId: string): Promise<string> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      const target = await this.member(tx, tenantId, userId);
      if (target.role === 'owner' && actor.role !== 'owner') throw new InvalidStateError('Only an owner can remove an owner');
      if (target.role === 'owner') await this.assertAnotherOwner(tx, tenantId, userId);
      const removed = await tx.delete(t.users).where(and(eq(t.users.id, userId), eq(t.users.tenantId, tenantId))).returning({ id: t.users.id });
      if (removed.length === 0) throw new NotFoundError('User', userId);
      await recordEvents(tx, t.tenancyOutbox, [{ tenantId, type: 'member.removed@1', aggregateType: 'user', aggregateId: userId, payload: { accountId: target.accountId } }]);
      return userId;
    });
  }

  /** Marks pending invitations past their expiry as EXPIRED (they already stopped holding seats). */
  async expireInvitations(tx: Tx): Promise<number> {
    const rows = await tx
      .update(t.invitations)
      .set({ status: 'EXPIRED' })
      .where(and(eq(t.invitations.status, 'PENDING'), lt(t.invitations.expiresAt, this.deps.now())))
      .returning({ id: t.invitations.id });
    return rows.length;
  }

  /**
   * A member of the current tenant. The tenant filter matters even under RLS:
   * an account may read its own memberships in other tenants (own_memberships).
   */
  private async member(tx: Tx, tenantId: string, userId: string): Promise<UserRow> {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) throw new NotFoundError('User', userId);
    const [row] = await tx.select().from(t.users).where(and(eq(t.users.id, userId), eq(t.users.tenantId, tenantId)));
    if (!row) throw new NotFoundError('User', userId);
    return row;
  }

  private async assertRoleAssignable(tx: Tx, actor: Identity, tenantId: string, role: string, path: string): Promise<void> {
    if (role === 'owner' && actor.role !== 'owner') throw ValidationError.single(path, 'only an owner can grant the owner role');
    if (!(await permissionsOfRole(tx, tenantId, role))) throw ValidationError.single(path, `unknown role "${role}"`);
  }

  private async assertAnotherOwner(tx: Tx, tenantId: string, exceptUserId: string): Promise<void> {
    const owners = await tx.select({ id: t.users.id }).from(t.users).where(and(eq(t.users.tenantId, tenantId), eq(t.users.role, 'owner'), eq(t.users.status, 'ACTIVE')));
    if (!owners.some((o) => o.id !== exceptUserId)) throw new InvalidStateError('A tenant must keep at least one owner');
  }
}
