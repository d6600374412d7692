/**
 * Tenant isolation through the gateway: a member of tenant B, even its owner,
 * can neither see nor change anything of tenant A, and the federation
 * internals (`_entities`, `_service`) are not part of the public API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOf, ownerWithTenant, PASSWORD, uniqueEmail } from './support/actors.js';
import { AcceptInvitation, InviteMember, SignIn, TenantOverview } from './support/operations.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p?.close());

type Owner = Awaited<ReturnType<typeof ownerWithTenant>>;
type Member = Awaited<ReturnType<typeof memberOf>>;

/** Tenant A with an owner, a member and a pending invitation; tenant B with an owner and a member. */
async function twoTenants() {
  const a: Owner = await ownerWithTenant(p);
  const aMember: Member = await memberOf(p, a.token, 'member');
  const invite = await p.gql(InviteMember, { input: { email: uniqueEmail('pending'), role: 'viewer' } }, a.token);
  const aInvitationId = invite.data?.inviteMember.__typename === 'InviteMemberPayload' ? invite.data.inviteMember.invitation.id : '';
  expect(aInvitationId).not.toBe('');
  const b: Owner = await ownerWithTenant(p);
  const bMember: Member = await memberOf(p, b.token, 'member');
  const aOwnerUserId = (await p.gql<{ viewer: { user: { id: string } } }>(`{ viewer { user { id } } }`, {}, a.token)).data!.viewer.user.id;
  return { a, aMember, aOwnerUserId, aInvitationId, b, bMember };
}

const A_STATE = `{ tenant { id name members { nodes { id email role } } invitations { id status } } }`;
type AState = { tenant: { id: string; name: string; members: { nodes: { id: string; email: string; role: string }[] }; invitations: { id: string; status: string }[] } };

type MutationResult = { __typename: string; code?: string; entity?: string; id?: string };

describe('tenant isolation through the gateway', () => {
  it('B’s owner reads only tenant B: its tenant, members and memberships hold nothing of A', async () => {
    const { a, aMember, b, bMember } = await twoTenants();
    const overview = await p.gql(TenantOverview, {}, b.token);
    expect(overview.data?.tenant?.id).toBe(b.tenantId);
    expect(overview.data?.tenant?.members.nodes.map((m) => m.email).sort()).toEqual([b.email, bMember.email].sort());

    const viewer = await p.gql<{ viewer: { memberships: { tenantId: string }[] } }>(`{ viewer { memberships { tenantId } } }`, {}, b.token);
    expect(viewer.data?.viewer.memberships.map((m) => m.tenantId)).toEqual([b.tenantId]);

    const everything = JSON.stringify([overview, viewer]);
    for (const secret of [a.tenantId, a.email, aMember.email, a.slug]) expect(everything).not.toContain(secret);
  });

  it('an account in both tenants, acting in B, cannot change or remove its own membership in A', async () => {
    const a = await ownerWithTenant(p);
    const b = await ownerWithTenant(p);
    const invite = await p.gql(InviteMember, { input: { email: b.email, role: 'member' } }, a.token);
    const token = invite.data?.inviteMember.__typename === 'InviteMemberPayload' ? invite.data.inviteMember.token : '';
    const joined = await p.gql(AcceptInvitation, { token }, b.token);
    const userInA = joined.data?.acceptInvitation.__typename === 'AcceptInvitationPayload' ? joined.data.acceptInvitation.user.id : '';
    expect(userInA).not.toBe('');

    for (const mutation of [
      `mutation ($id: ID!) { r: changeMemberRole(userId: $id, role: "viewer") { __typename } }`,
      `mutation ($id: ID!) { r: removeMember(userId: $id) { __typename } }`,
    ]) {
      const r = await p.gql<{ r: { __typename: string } }>(mutation, { id: userInA }, b.token);
      expect(r.errors, mutation).toBeUndefined();
      expect(r.data?.r.__typename, mutation).toBe('NotFoundError');
    }
    const aState = await p.gql<AState>(A_STATE, {}, a.token);
    expect(aState.data?.tenant.members.nodes.find((m) => m.id === userInA)?.role).toBe('member');
  });

  it('B’s owner gets NotFoundError for A’s members and invitations, and A’s data is unchanged afterwards', async () => {
    const { a, aMember, aOwnerUserId, aInvitationId, b } = await twoTenants();
    const before = await p.gql<AState>(A_STATE, {}, a.token);
    expect(before.data?.tenant.members.nodes).toHaveLength(2);

    const attempts: [string, string, Record<string, string>][] = [
      ['changeMemberRole', `mutation ($id: ID!) { changeMemberRole(userId: $id, role: "viewer") { __typename ... on NotFoundError { code entity id } } }`, { id: aMember.userId }],
      ['changeMemberRole', `mutation ($id: ID!) { changeMemberRole(userId: $id, role: "admin") { __typename ... on NotFoundError { code entity id } } }`, { id: aOwnerUserId }],
      ['removeMember', `mutation ($id: ID!) { removeMember(userId: $id) { __typename ... on NotFoundError { code entity id } } }`, { id: aMember.userId }],
      ['removeMember', `mutation ($id: ID!) { removeMember(userId: $id) { __typename ... on NotFoundError { code entity id } } }`, { id: aOwnerUserId }],
      ['revokeInvitation', `mutation ($id: ID!) { revokeInvitation(id: $id) { __typename ... on NotFoundError { code entity id } } }`, { id: aInvitationId }],
    ];
    for (const [field, mutation, variables] of attempts) {
      const r = await p.gql<Record<string, MutationResult>>(mutation, variables, b.token);
      expect(r.errors, field).toBeUndefined();
      expect(r.data?.[field], field).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', id: variables.id });
    }

    const after = await p.gql<AState>(A_STATE, {}, a.token);
    expect(after.data).toEqual(before.data);
    expect(after.data?.tenant.members.nodes.find((m) => m.id === aMember.userId)?.role).toBe('member');
    expect(after.data?.tenant.invitations.find((i) => i.id === aInvitationId)?.status).toBe('PENDING');
  });

  it('B’s owner cannot switch or sign in to tenant A', async () => {
    const { a, b } = await twoTenants();
    const switched = await p.gql<{ switchTenant: MutationResult & { tenantId?: string } }>(
      `mutation ($t: ID!) { switchTenant(tenantId: $t) { __typename ... on AuthSession { tenantId } ... on Error { code } } }`,
      { t: a.tenantId },
      b.token,
    );
    expect(switched.data?.switchTenant).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });

    const signedIn = await p.gql(SignIn, { input: { email: b.email, password: PASSWORD, tenantId: a.tenantId } });
    const session = signedIn.data?.signIn;
    const tenantId = session?.__typename === 'AuthSession' ? session.tenantId : null;
    expect(tenantId).not.toBe(a.tenantId);
  });

  it('a member removed from A cannot refresh their way back into A', async () => {
    const { a, aMember } = await twoTenants();
    const signedIn = await p.gql(SignIn, { input: { email: aMember.email, password: PASSWORD } });
    const session = signedIn.data?.signIn;
    expect(session).toMatchObject({ __typename: 'AuthSession', tenantId: a.tenantId });
    const refreshToken = session?.__typename === 'AuthSession' ? session.refreshToken : '';

    const removed = await p.gql<{ removeMember: { __typename: string } }>(`mutation ($id: ID!) { removeMember(userId: $id) { __typename } }`, { id: aMember.userId }, a.token);
    expect(removed.data?.removeMember.__typename).toBe('RemoveMemberPayload');

    const refreshed = await p.gql<{ refreshSession: { __typename: string; accessToken?: string; tenantId?: string | null } }>(
      `mutation ($t: String!) { refreshSession(refreshToken: $t) { __typename ... on AuthSession { accessToken tenantId } } }`,
      { t: refreshToken },
    );
    // The session lives on as the account's, but no longer in A.
    const next = refreshed.data?.refreshSession;
    expect(next).toMatchObject({ __typename: 'AuthSession', tenantId: null });
    const r = await p.gql(TenantOverview, {}, next?.accessToken);
    expect(r.data?.tenant ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it.each([
    ['_service', `{ _service { sdl } }`],
    ['_entities', `{ _entities(representations: [{ __typename: "Tenant", id: "00000000-0000-4000-8000-000000000000" }]) { __typename } }`],
  ])('%s is not part of the gateway’s API (GRAPHQL_VALIDATION_FAILED)', async (_field, query) => {
    const { a } = await twoTenants();
    for (const token of [null, a.token]) {
      const r = await p.gql(query, {}, token);
      expect(r.status).toBe(400);
      expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.data).toBeUndefined();
    }
  });
});
