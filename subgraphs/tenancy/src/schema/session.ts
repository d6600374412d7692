/** Sign-up, sign-in, token refresh, tenant switch, sign-out and TOTP enrollment. */
import { AuthenticationError, ConflictError, InvalidStateError } from '@platform/core';
import { builder } from '../builder.js';
import type { SessionTokens } from '../services/session.service.js';
import { AccountRef } from './viewer.js';

export const AuthSession = builder.objectRef<SessionTokens>('AuthSession').implement({
  description: 'Tokens for a signed-in session. Send `Authorization: Bearer <accessToken>`; renew with refreshSession before accessTokenExpiresAt.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', { type: 'DateTime' }),
    refreshToken: t.exposeString('refreshToken', { description: 'Single use: each refresh returns a new one. Reusing an old one revokes the session.' }),
    refreshTokenExpiresAt: t.expose('refreshTokenExpiresAt', { type: 'DateTime' }),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'The tenant this session acts in, if any.' }),
  }),
});

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({ email: t.string({ required: true }), name: t.string({ required: true }), password: t.string({ required: true }) }),
});
const SignInInput = builder.inputType('SignInInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    totpCode: t.string({ description: 'Required when two-factor sign-in is enabled.' }),
    tenantId: t.id({ description: 'Tenant to sign in to; defaults to the only one, if there is exactly one.' }),
  }),
});

const TotpEnrollment = builder.objectRef<{ secret: string; uri: string }>('TotpEnrollment').implement({
  fields: (t) => ({ secret: t.exposeString('secret'), uri: t.exposeString('uri', { description: 'otpauth:// URI to show as a QR code' }) }),
});

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthSession,
    authScopes: { public: true },
    errors: { types: [ConflictError] },
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.accounts.signUp(ctx.identity, input),
  }),
  signIn: t.field({
    type: AuthSession,
    authScopes: { public: true },
    errors: { types: [AuthenticationError, InvalidStateError] },
    args: { input: t.arg({ type: SignInInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.accounts.signIn(ctx.identity, input),
  }),
  refreshSession: t.field({
    type: AuthSession,
    authScopes: { public: true },
    errors: { types: [AuthenticationError, InvalidStateError] },
    args: { refreshToken: t.arg.string({ required: true }) },
    resolve: (_r, { refreshToken }, ctx) => ctx.services.accounts.refresh(ctx.identity, refreshToken),
  }),
  switchTenant: t.field({
    type: AuthSession,
    authScopes: { authenticated: true },
    errors: { types: [InvalidStateError] },
    args: { tenantId: t.arg.id({ required: true }) },
    resolve: (_r, { tenantId }, ctx) => ctx.services.accounts.switchTenant(ctx.identity, String(tenantId)),
  }),
  signOut: t.boolean({
    authScopes: { authenticated: true },
    description: 'Revokes this session’s refresh tokens. Access tokens expire on their own within minutes.',
    resolve: (_r, _a, ctx) => ctx.services.accounts.signOut(ctx.identity),
  }),
  beginTotpEnrollment: t.field({
    type: TotpEnrollment,
    authScopes: { authenticated: true },
    errors: { types: [InvalidStateError] },
    resolve: (_r, _a, ctx) => ctx.services.accounts.beginTotpEnrollment(ctx.identity),
  }),
  confirmTotp: t.field({
    type: AccountRef,
    authScopes: { authenticated: true },
    errors: { types: [InvalidStateError] },
    args: { code: t.arg.string({ required: true }) },
    resolve: async (_r, { code }, ctx) => {
      await ctx.services.accounts.confirmTotp(ctx.identity, code);
      return { id: ctx.identity.accountId! };
    },
  }),
  disableTotp: t.field({
    type: AccountRef,
    authScopes: { authenticated: true },
    errors: { types: [InvalidStateError] },
    args: { code: t.arg.string({ required: true }) },
    resolve: async (_r, { code }, ctx) => {
      await ctx.services.accounts.disableTotp(ctx.identity, code);
      return { id: ctx.identity.accountId! };
    },
  }),
}));
