/** Invitations: invite by email with a role; the invitee accepts with the token. */
import { ConflictError, InvalidStateError, LimitExceededError, NotFoundError } from '@platform/core';
import { tenancyTables as tables } from '@platform/db';
import { and, desc, eq } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { InvitationRow, UserRow } from '../services/member.service.js';
import { asActor } from '../services/deps.js';
import type { SessionTokens } from '../services/session.service.js';
import { AuthSession } from './session.js';
import { TenantRef } from './tenant.js';
import { UserRef } from './user.js';

const InvitationStatus = builder.enumType('InvitationStatus', { values: ['PENDING', 'ACCEPTED', 'REVOKED', 'EXPIRED'] as const });

export const InvitationRef = builder.objectRef<InvitationRow>('Invitation').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    role: t.exposeString('role'),
    status: t.field({
      type: InvitationStatus,
      resolve: (i, _a, ctx) => (i.status === 'PENDING' && i.expiresAt.getTime() <= ctx.services.deps.now().getTime() ? 'EXPIRED' : (i.status as 'PENDING')),
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.objectField(TenantRef, 'invitations', (t) =>
  t.field({
    type: [InvitationRef],
    authScopes: { permission: 'members:invite' },
    args: { status: t.arg({ type: InvitationStatus }) },
    resolve: (tenant, { status }, ctx) =>
      asActor(ctx.services.deps, ctx.identity, (tx) =>
        tx
          .select()
          .from(tables.invitations)
          .where(and(eq(tables.invitations.tenantId, tenant.id), status ? eq(tables.invitations.status, status) : undefined))
          .orderBy(desc(tables.invitations.createdAt))
          .limit(500),
      ),
  }),
);

const InviteMemberInput = builder.inputType('InviteMemberInput', {
  fields: (t) => ({ email: t.string({ required: true }), role: t.string({ description: 'Built-in (admin, member, viewer, owner) or a custom role key. Default member.' }) }),
});

const InviteMemberPayload = builder.objectRef<{ invitation: InvitationRow; token: string; acceptUrl: string }>('InviteMemberPayload').implement({
  fields: (t) => ({
    invitation: t.field({ type: InvitationRef, resolve: (p) => p.invitation }),
    token: t.exposeString('token', { description: 'Shown once. Give it to the invitee (acceptInvitation). Only its hash is stored.' }),
    acceptUrl: t.exposeString('acceptUrl'),
  }),
});

const AcceptInvitationPayload = builder.objectRef<{ user: UserRow; session: SessionTokens }>('AcceptInvitationPayload').implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: async (p, _a, ctx) => (await ctx.loaders.user.load(p.user.id))! }),
    session: t.field({ type: AuthSession, description: 'A session acting in the joined tenant.', resolve: (p) => p.session }),
  }),
});

builder.mutationFields((t) => ({
  inviteMember: t.field({
    type: InviteMemberPayload,
    authScopes: { permission: 'members:invite' },
    errors: { types: [ConflictError, LimitExceededError] },
    args: { input: t.arg({ type: InviteMemberInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.members.invite(ctx.identity, input),
  }),
  acceptInvitation: t.field({
    type: AcceptInvitationPayload,
    authScopes: { authenticated: true },
    errors: { types: [NotFoundError, InvalidStateError, ConflictError] },
    args: { token: t.arg.string({ required: true }) },
    resolve: (_r, { token }, ctx) => ctx.services.members.accept(ctx.identity, token),
  }),
  revokeInvitation: t.field({
    type: InvitationRef,
    authScopes: { permission: 'members:invite' },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.members.revokeInvitation(ctx.identity, String(id)),
  }),
}));
