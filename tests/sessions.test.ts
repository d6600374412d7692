/**
 * Sessions through the gateway: password sign-in, rotating refresh tokens,
 * sign-out, switching tenants, the TOTP second factor, and what a suspended
 * tenant does to sign-in.
 */
import { generateTotpCode, verifyTotp } from '@platform/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOf, ownerWithTenant, PASSWORD, signUp, uniqueEmail } from './support/actors.js';
import { CreateTenant, TenantOverview } from './support/operations.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p?.close());

type SessionResult = { __typename: string; accessToken?: string; refreshToken?: string; tenantId?: string | null; code?: string; message?: string };

const SESSION_FIELDS = `__typename ... on AuthSession { accessToken refreshToken tenantId } ... on Error { code message }`;
const REFRESH = `mutation Refresh($token: String!) { refreshSession(refreshToken: $token) { ${SESSION_FIELDS} } }`;
const SWITCH = `mutation Switch($tenantId: ID!) { switchTenant(tenantId: $tenantId) { ${SESSION_FIELDS} } }`;
const SIGN_IN = `mutation SignIn($input: SignInInput!) { signIn(input: $input) { ${SESSION_FIELDS} } }`;
const WHO = `{ viewer { account { email twoFactorEnabled } tenant { id } permissions } }`;
type Who = { viewer: { account: { email: string; twoFactorEnabled: boolean }; tenant: { id: string } | null; permissions: string[] } };

async function refresh(token: string) {
  const r = await p.gql<{ refreshSession: SessionResult }>(REFRESH, { token });
  return r.data!.refreshSession;
}

async function signIn(input: { email: string; password: string; totpCode?: string; tenantId?: string }) {
  const r = await p.gql<{ signIn: SessionResult }>(SIGN_IN, { input });
  return { result: r.data?.signIn ?? null, errors: r.errors };
}

async function who(token: string) {
  const r = await p.gql<Who>(WHO, {}, token);
  expect(r.errors).toBeUndefined();
  return r.data!.viewer;
}

describe('password sign-in', () => {
  it('the right password returns a session that acts as the account in its only tenant', async () => {
    const owner = await ownerWithTenant(p);
    const { result } = await signIn({ email: owner.email, password: PASSWORD });
    expect(result).toMatchObject({ __typename: 'AuthSession', tenantId: owner.tenantId });
    expect(result?.refreshToken).toMatch(/^rt_/);
    const me = await who(result!.accessToken!);
    expect(me.account.email).toBe(owner.email);
    expect(me.tenant?.id).toBe(owner.tenantId);
  });

  it('a wrong password and an unknown email fail alike with INVALID_CREDENTIALS', async () => {
    const person = await signUp(p);
    const wrong = await signIn({ email: person.email, password: `${PASSWORD}x` });
    const unknown = await signIn({ email: uniqueEmail('ghost'), password: PASSWORD });
    expect(wrong.result).toMatchObject({ __typename: 'AuthenticationError', code: 'INVALID_CREDENTIALS' });
    expect(unknown.result).toMatchObject({ __typename: 'AuthenticationError', code: 'INVALID_CREDENTIALS' });
    expect(wrong.result?.message).toBe(unknown.result?.message);
    expect(wrong.result?.accessToken).toBeUndefined();
  });
});

describe('refresh tokens', () => {
  it('a refresh returns a new working pair, and the refresh token it replaced is refused afterwards', async () => {
    const person = await signUp(p);
    const next = await refresh(person.refreshToken);
    expect(next.__typename).toBe('AuthSession');
    expect(next.refreshToken).not.toBe(person.refreshToken);
    expect(next.accessToken).not.toBe(person.accessToken);
    expect((await who(next.accessToken!)).account.email).toBe(person.email);

    const reused = await refresh(person.refreshToken);
    expect(reused).toMatchObject({ __typename: 'AuthenticationError', code: 'TOKEN_INVALID' });
  });

  it('reusing a rotated refresh token revokes the whole session: the newer token stops working too', async () => {
    const person = await signUp(p);
    const next = await refresh(person.refreshToken);
    expect(next.__typename).toBe('AuthSession');
    expect(await refresh(person.refreshToken)).toMatchObject({ __typename: 'AuthenticationError', code: 'TOKEN_INVALID' });
    expect(await refresh(next.refreshToken!)).toMatchObject({ __typename: 'AuthenticationError', code: 'TOKEN_INVALID' });
  });

  it('a malformed refresh token is TOKEN_INVALID', async () => {
    const r = await refresh('rt_not-a-token');
    expect(r).toMatchObject({ __typename: 'AuthenticationError', code: 'TOKEN_INVALID' });
  });

  it('signOut revokes the session’s refresh token', async () => {
    const person = await signUp(p);
    const out = await p.gql<{ signOut: boolean }>(`mutation { signOut }`, {}, person.accessToken);
    expect(out.data?.signOut).toBe(true);
    expect(await refresh(person.refreshToken)).toMatchObject({ __typename: 'AuthenticationError', code: 'TOKEN_INVALID' });
  });

  it('signOut leaves the account’s other sessions alone', async () => {
    const person = await signUp(p);
    const other = await signIn({ email: person.email, password: PASSWORD });
    await p.gql(`mutation { signOut }`, {}, person.accessToken);
    expect((await refresh(other.result!.refreshToken!)).__typename).toBe('AuthSession');
  });
});

describe('switching tenants', () => {
  it('switches to a tenant the account belongs to, and refuses one it does not with InvalidStateError', async () => {
    const owner = await ownerWithTenant(p);
    const second = await p.gql(CreateTenant, { input: { name: 'Second', slug: `t-${crypto.randomUUID().slice(0, 8)}` } }, owner.token);
    const secondToken = second.data?.createTenant.__typename === 'CreateTenantPayload' ? second.data.createTenant.session.accessToken : '';
    expect((await who(secondToken)).tenant?.id).not.toBe(owner.tenantId);

    const back = await p.gql<{ switchTenant: SessionResult }>(SWITCH, { tenantId: owner.tenantId }, secondToken);
    expect(back.data?.switchTenant).toMatchObject({ __typename: 'AuthSession', tenantId: owner.tenantId });
    const overview = await p.gql(TenantOverview, {}, back.data!.switchTenant.accessToken);
    expect(overview.data?.tenant?.id).toBe(owner.tenantId);

    const stranger = await ownerWithTenant(p);
    const refused = await p.gql<{ switchTenant: SessionResult }>(SWITCH, { tenantId: stranger.tenantId }, secondToken);
    expect(refused.data?.switchTenant).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
    expect(refused.data?.switchTenant.accessToken).toBeUndefined();
    const theirs = await p.gql(TenantOverview, {}, stranger.token);
    expect(theirs.data?.tenant?.members.nodes.map((m) => m.email)).toEqual([stranger.email]);
  });
});

describe('two-factor sign-in (TOTP)', () => {
  it('once confirmed, sign-in needs the current code: none is TOTP_REQUIRED, a wrong one INVALID_CREDENTIALS', async () => {
    const owner = await ownerWithTenant(p);
    const begun = await p.gql<{ beginTotpEnrollment: { __typename: string; secret?: string; uri?: string } }>(
      `mutation { beginTotpEnrollment { __typename ... on TotpEnrollment { secret uri } } }`,
      {},
      owner.token,
    );
    const secret = begun.data?.beginTotpEnrollment.secret ?? '';
    expect(begun.data?.beginTotpEnrollment.uri).toContain(`secret=${secret}`);
    // Enrollment alone does not turn the second factor on.
    expect((await signIn({ email: owner.email, password: PASSWORD })).result?.__typename).toBe('AuthSession');

    const confirmed = await p.gql<{ confirmTotp: { __typename: string; twoFactorEnabled?: boolean } }>(
      `mutation Confirm($code: String!) { confirmTotp(code: $code) { __typename ... on Account { twoFactorEnabled } } }`,
      { code: generateTotpCode(secret, p.clock.now) },
      owner.token,
    );
    expect(confirmed.data?.confirmTotp).toEqual({ __typename: 'Account', twoFactorEnabled: true });

    const without = await signIn({ email: owner.email, password: PASSWORD });
    expect(without.result).toMatchObject({ __typename: 'AuthenticationError', code: 'TOTP_REQUIRED' });
    expect(without.result?.accessToken).toBeUndefined();

    const wrong = await signIn({ email: owner.email, password: PASSWORD, totpCode: wrongCode(secret, p.clock.now) });
    expect(wrong.result).toMatchObject({ __typename: 'AuthenticationError', code: 'INVALID_CREDENTIALS' });

    const right = await signIn({ email: owner.email, password: PASSWORD, totpCode: generateTotpCode(secret, p.clock.now) });
    expect(right.result).toMatchObject({ __typename: 'AuthSession', tenantId: owner.tenantId });
    expect((await who(right.result!.accessToken!)).account.twoFactorEnabled).toBe(true);
  });

  it('a code does not replace the password', async () => {
    const person = await signUp(p);
    const begun = await p.gql<{ beginTotpEnrollment: { secret?: string } }>(`mutation { beginTotpEnrollment { ... on TotpEnrollment { secret } } }`, {}, person.accessToken);
    const secret = begun.data?.beginTotpEnrollment.secret ?? '';
    await p.gql(`mutation Confirm($code: String!) { confirmTotp(code: $code) { __typename } }`, { code: generateTotpCode(secret, p.clock.now) }, person.accessToken);
    const r = await signIn({ email: person.email, password: `${PASSWORD}x`, totpCode: generateTotpCode(secret, p.clock.now) });
    expect(r.result).toMatchObject({ __typename: 'AuthenticationError', code: 'INVALID_CREDENTIALS' });
  });
});

describe('suspended tenants', () => {
  it('members cannot sign in to a suspended tenant (TENANT_SUSPENDED); its owner can sign in, resume it, and members are back', async () => {
    const owner = await ownerWithTenant(p);
    const member = await memberOf(p, owner.token, 'admin');
    const suspended = await p.gql<{ suspendTenant: { __typename: string; status?: string; suspensionReason?: string } }>(
      `mutation { suspendTenant(reason: "Unpaid invoice") { __typename ... on Tenant { status suspensionReason } } }`,
      {},
      owner.token,
    );
    expect(suspended.data?.suspendTenant).toEqual({ __typename: 'Tenant', status: 'SUSPENDED', suspensionReason: 'Unpaid invoice' });

    const memberIn = await signIn({ email: member.email, password: PASSWORD, tenantId: owner.tenantId });
    expect(memberIn.result).toBeNull();
    expect(memberIn.errors?.[0]?.extensions?.code).toBe('TENANT_SUSPENDED');
    // Suspension ended the sessions that were signed in to the tenant.
    expect(await refresh(owner.refreshToken)).toMatchObject({ __typename: 'AuthenticationError', code: 'TOKEN_INVALID' });

    // The owner signs in afresh (an old access token would have expired by then)
    // and gets a session that can look at the tenant and resume it, nothing else.
    const ownerIn = await signIn({ email: owner.email, password: PASSWORD, tenantId: owner.tenantId });
    expect(ownerIn.result).toMatchObject({ __typename: 'AuthSession', tenantId: owner.tenantId });
    const narrow = ownerIn.result!.accessToken!;
    expect((await who(narrow)).permissions).toContain('tenant:suspend');
    const rename = await p.gql(`mutation { updateTenant(input: { name: "Renamed while suspended" }) { __typename } }`, {}, narrow);
    expect(rename.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const resumed = await p.gql<{ resumeTenant: { __typename: string; status?: string; suspendedAt?: string | null } }>(
      `mutation { resumeTenant { __typename ... on Tenant { status suspendedAt } } }`,
      {},
      narrow,
    );
    expect(resumed.data?.resumeTenant).toEqual({ __typename: 'Tenant', status: 'ACTIVE', suspendedAt: null });

    const memberBack = await signIn({ email: member.email, password: PASSWORD, tenantId: owner.tenantId });
    expect(memberBack.result).toMatchObject({ __typename: 'AuthSession', tenantId: owner.tenantId });
    const view = await p.gql(TenantOverview, {}, memberBack.result!.accessToken!);
    expect(view.data?.tenant).toMatchObject({ id: owner.tenantId, status: 'ACTIVE', name: `Tenant ${owner.slug}` });
  });
});

/** A six-digit code that is not valid for `now` (nor the step either side, which verification also accepts). */
function wrongCode(secret: string, now: Date): string {
  let n = Number(generateTotpCode(secret, now));
  let code = '';
  do {
    n = (n + 1) % 1_000_000;
    code = String(n).padStart(6, '0');
  } while (verifyTotp(secret, code, now));
  return code;
}
