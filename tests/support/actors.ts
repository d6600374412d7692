/** Builders for the people in a test: an owner with a tenant, and members who joined by invitation. */
import { expect } from 'vitest';
import { AcceptInvitation, CreateTenant, InviteMember, SignUp } from './operations.js';
import type { TestPlatform } from './platform.js';

export const PASSWORD = 'Tr0ub4dor&3-horse';

export function uniqueEmail(prefix: string): string {
  return `${prefix}.${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export async function signUp(p: TestPlatform, email = uniqueEmail('person'), name = 'Test Person') {
  const r = await p.gql(SignUp, { input: { email, name, password: PASSWORD } });
  const s = r.data?.signUp;
  if (s?.__typename !== 'AuthSession') throw new Error(`sign-up failed: ${JSON.stringify(r)}`);
  return { email, accessToken: s.accessToken, refreshToken: s.refreshToken };
}

export async function ownerWithTenant(p: TestPlatform, options: { slug?: string; tier?: 'FREE' | 'STARTER' | 'PROFESSIONAL' | 'ENTERPRISE' | 'WHITE_LABEL' } = {}) {
  const person = await signUp(p, uniqueEmail('owner'), 'Owner');
  const slug = options.slug ?? `t-${crypto.randomUUID().slice(0, 8)}`;
  const r = await p.gql(CreateTenant, { input: { name: `Tenant ${slug}`, slug, tier: options.tier ?? 'FREE' } }, person.accessToken);
  const c = r.data?.createTenant;
  if (c?.__typename !== 'CreateTenantPayload') throw new Error(`createTenant failed: ${JSON.stringify(r)}`);
  return { ...person, token: c.session.accessToken, refreshToken: c.session.refreshToken, tenantId: c.tenant.id, slug };
}

export async function memberOf(p: TestPlatform, ownerToken: string, role: string) {
  const person = await signUp(p, uniqueEmail(role), `A ${role}`);
  const invite = await p.gql(InviteMember, { input: { email: person.email, role } }, ownerToken);
  const inv = invite.data?.inviteMember;
  if (inv?.__typename !== 'InviteMemberPayload') throw new Error(`invite failed: ${JSON.stringify(invite)}`);
  const accepted = await p.gql(AcceptInvitation, { token: inv.token }, person.accessToken);
  const a = accepted.data?.acceptInvitation;
  expect(a?.__typename).toBe('AcceptInvitationPayload');
  if (a?.__typename !== 'AcceptInvitationPayload') throw new Error('unreachable');
  return { ...person, token: a.session.accessToken, userId: a.user.id };
}
