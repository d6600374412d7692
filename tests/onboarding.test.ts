/**
 * The first-day story through the gateway: sign up, create a tenant, invite a
 * colleague, they accept and query; roles are enforced; tier limits hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOf, ownerWithTenant, signUp, uniqueEmail } from './support/actors.js';
import { AcceptInvitation, InviteMember, TenantOverview } from './support/operations.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p?.close());

describe('onboarding through the gateway', () => {
  it('a colleague invited by email joins the tenant and sees its members', async () => {
    const owner = await ownerWithTenant(p);
    const colleague = await signUp(p, uniqueEmail('colleague'), 'Grace');
    const invite = await p.gql(InviteMember, { input: { email: colleague.email, role: 'member' } }, owner.token);
    expect(invite.data?.inviteMember.__typename).toBe('InviteMemberPayload');
    const token = invite.data?.inviteMember.__typename === 'InviteMemberPayload' ? invite.data.inviteMember.token : '';

    const accepted = await p.gql(AcceptInvitation, { token }, colleague.accessToken);
    const payload = accepted.data?.acceptInvitation;
    expect(payload?.__typename).toBe('AcceptInvitationPayload');
    const memberToken = payload?.__typename === 'AcceptInvitationPayload' ? payload.session.accessToken : '';

    const seen = await p.gql(TenantOverview, {}, memberToken);
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.tenant?.id).toBe(owner.tenantId);
    expect(seen.data?.tenant?.members.nodes.map((m) => [m.email, m.role]).sort()).toEqual(
      [[owner.email, 'owner'], [colleague.email, 'member']].sort(),
    );

    const again = await p.gql(AcceptInvitation, { token }, colleague.accessToken);
    expect(again.data?.acceptInvitation).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
  });

  it('an invitation cannot be accepted by a different account', async () => {
    const owner = await ownerWithTenant(p);
    const intended = uniqueEmail('intended');
    const stranger = await signUp(p);
    const invite = await p.gql(InviteMember, { input: { email: intended } }, owner.token);
    const token = invite.data?.inviteMember.__typename === 'InviteMemberPayload' ? invite.data.inviteMember.token : '';
    const r = await p.gql(AcceptInvitation, { token }, stranger.accessToken);
    expect(r.data?.acceptInvitation.__typename).toBe('InvalidStateError');
    const members = await p.gql(TenantOverview, {}, owner.token);
    expect(members.data?.tenant?.members.nodes).toHaveLength(1);
  });

  it('a viewer can read but every mutation is refused with FORBIDDEN and changes nothing', async () => {
    const owner = await ownerWithTenant(p);
    const viewer = await memberOf(p, owner.token, 'viewer');
    const read = await p.gql(TenantOverview, {}, viewer.token);
    expect(read.data?.tenant?.id).toBe(owner.tenantId);

    const attempts = [
      `mutation { updateTenant(input: { name: "Hijacked" }) { __typename } }`,
      `mutation { inviteMember(input: { email: "x@example.com" }) { __typename } }`,
      `mutation { setFeatureFlag(input: { key: "beta", enabled: true }) { __typename } }`,
      `mutation { changeTier(tier: ENTERPRISE) { __typename } }`,
      `mutation { deleteTenant(confirmSlug: "${owner.slug}") { __typename } }`,
    ];
    for (const mutation of attempts) {
      const r = await p.gql(mutation, {}, viewer.token);
      expect(r.errors?.[0]?.extensions?.code, mutation).toBe('FORBIDDEN');
      expect(r.data ?? null).toBeNull();
    }
    const after = await p.gql(TenantOverview, {}, owner.token);
    expect(after.data?.tenant?.name).toBe(`Tenant ${owner.slug}`);
    expect(after.data?.tenant?.tier).toBe('FREE');
  });

  it('FREE allows 5 users: the sixth is refused with LimitExceededError and nothing is stored', async () => {
    const owner = await ownerWithTenant(p, { tier: 'FREE' });
    for (let i = 0; i < 4; i++) {
      const r = await p.gql(InviteMember, { input: { email: uniqueEmail(`seat${i}`) } }, owner.token);
      expect(r.data?.inviteMember.__typename).toBe('InviteMemberPayload');
    }
    const sixth = await p.gql(InviteMember, { input: { email: uniqueEmail('sixth') } }, owner.token);
    expect(sixth.data?.inviteMember).toMatchObject({ __typename: 'LimitExceededError', code: 'LIMIT_EXCEEDED', limit: 'users', current: 5, maximum: 5 });
    const pending = await p.gql(`{ tenant { invitations(status: PENDING) { email } usage { seats { used limit } } } }`, {}, owner.token);
    expect((pending.data as { tenant: { invitations: unknown[] } }).tenant.invitations).toHaveLength(4);
    expect((pending.data as { tenant: { usage: unknown } }).tenant.usage).toEqual({ seats: { used: 5, limit: 5 } });
  });

  it('a paid tier starts a 14-day trial whose limits end with it', async () => {
    const owner = await ownerWithTenant(p, { tier: 'PROFESSIONAL' });
    const during = await p.gql(TenantOverview, {}, owner.token);
    expect(during.data?.tenant).toMatchObject({ tier: 'FREE', effectiveTier: 'PROFESSIONAL', status: 'TRIALING', trial: { tier: 'PROFESSIONAL', active: true, daysRemaining: 14 }, limits: { maxUsers: 50 } });
    p.clock.advance(15 * 86_400_000);
    try {
      const after = await p.gql(TenantOverview, {}, owner.token);
      expect(after.data?.tenant).toMatchObject({ effectiveTier: 'FREE', status: 'ACTIVE', trial: { active: false, daysRemaining: 0 }, limits: { maxUsers: 5 } });
    } finally {
      p.clock.advance(-15 * 86_400_000);
    }
  });
});
