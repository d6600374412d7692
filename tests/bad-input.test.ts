/**
 * What the gateway does with input it must refuse: broken GraphQL, invalid
 * mutation input, forged or stale credentials, oversized bodies. Each refusal
 * has a stable code, and a refused mutation leaves no trace in the database.
 */
import { createAccessTokenIssuer, generateSigningKeys } from '@platform/core';
import { loadGatewaySettings } from '@platform/gateway/settings';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithTenant, PASSWORD, signUp, uniqueEmail } from './support/actors.js';
import { CreateTenant, SignIn, SignUp, TenantOverview } from './support/operations.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p?.close());

/** The request body limit the test platform runs with (its settings' default). */
const BODY_LIMIT = loadGatewaySettings([], {}).BODY_LIMIT_BYTES;

/** A raw POST to /graphql, for bodies the typed client cannot produce. */
async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${p.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const json = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: response.status, headers: response.headers, ...json };
}

async function signInOutcome(email: string, password = PASSWORD) {
  const r = await p.gql(SignIn, { input: { email, password } });
  const s = r.data?.signIn;
  return s?.__typename === 'AuthenticationError' ? s.code : s?.__typename;
}

const MEMBERSHIPS = `{ viewer { memberships { tenantId role } } }`;
type Memberships = { viewer: { memberships: { tenantId: string; role: string }[] } };

describe('malformed GraphQL', () => {
  it('a document that does not parse is refused with HTTP 400 and GRAPHQL_PARSE_FAILED', async () => {
    const r = await p.gql('{ tenant { id ');
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(r.data).toBeUndefined();
  });

  it('a field the API does not have is refused with HTTP 400 and GRAPHQL_VALIDATION_FAILED', async () => {
    const r = await p.gql('{ tenant { id passwordHash } }');
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors?.[0]?.message).toContain('passwordHash');
  });
});

describe('invalid sign-up input', () => {
  it('an invalid email is a ValidationError on input.email and creates no account', async () => {
    const email = `not-an-email-${crypto.randomUUID().slice(0, 8)}`;
    const r = await p.gql(SignUp, { input: { email, name: 'Nobody', password: PASSWORD } });
    expect(r.data?.signUp).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    const fieldErrors = r.data?.signUp.__typename === 'ValidationError' ? r.data.signUp.fieldErrors : [];
    expect(fieldErrors.map((f) => f.path)).toEqual(['input.email']);
    expect(await signInOutcome(email)).toBe('INVALID_CREDENTIALS');
  });

  it.each([
    ['a common password', () => 'password123'],
    ['a password containing the email’s local part', (local: string) => `${local}!Rq7`],
  ])('%s is a ValidationError on input.password and creates no account', async (_label, password) => {
    const email = uniqueEmail('weakling');
    const local = email.split('@')[0]!;
    const weak = password(local);
    const r = await p.gql(SignUp, { input: { email, name: 'Weak Ling', password: weak } });
    expect(r.data?.signUp).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    const fieldErrors = r.data?.signUp.__typename === 'ValidationError' ? r.data.signUp.fieldErrors : [];
    expect(fieldErrors.map((f) => f.path)).toEqual(['input.password']);

    expect(await signInOutcome(email, weak)).toBe('INVALID_CREDENTIALS');
    // The email is still free: nothing was half-created by the refused attempt.
    const retry = await p.gql(SignUp, { input: { email, name: 'Weak Ling', password: PASSWORD } });
    expect(retry.data?.signUp.__typename).toBe('AuthSession');
  });

  it('an email already registered (in any letter case) is a ConflictError and the first account keeps its password', async () => {
    const first = await signUp(p, uniqueEmail('taken'));
    const otherPassword = 'An0ther-Long-Secret!';
    for (const email of [first.email, first.email.toUpperCase()]) {
      const r = await p.gql(SignUp, { input: { email, name: 'Impostor', password: otherPassword } });
      expect(r.data?.signUp, email).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    }
    expect(await signInOutcome(first.email)).toBe('AuthSession');
    expect(await signInOutcome(first.email, otherPassword)).toBe('INVALID_CREDENTIALS');
  });
});

describe('invalid tenant input', () => {
  it('a slug already taken is a ConflictError on input.slug and the slug stays with its first owner', async () => {
    const owner = await ownerWithTenant(p);
    const rival = await signUp(p, uniqueEmail('rival'));
    const r = await p.gql(CreateTenant, { input: { name: 'Copycat', slug: owner.slug } }, rival.accessToken);
    expect(r.data?.createTenant).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'input.slug' });

    const rivalView = await p.gql<Memberships>(MEMBERSHIPS, {}, rival.accessToken);
    expect(rivalView.data?.viewer.memberships).toEqual([]);
    const ownerView = await p.gql(TenantOverview, {}, owner.token);
    expect(ownerView.data?.tenant).toMatchObject({ id: owner.tenantId, slug: owner.slug, name: `Tenant ${owner.slug}` });
    expect(ownerView.data?.tenant?.members.nodes.map((m) => m.email)).toEqual([owner.email]);
  });

  it.each(['A B', 'admin'])('the slug %j is a ValidationError on input.slug and creates no tenant', async (slug) => {
    const person = await signUp(p);
    const r = await p.gql(CreateTenant, { input: { name: 'Bad Slug Inc', slug } }, person.accessToken);
    expect(r.data?.createTenant).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    const fieldErrors = r.data?.createTenant.__typename === 'ValidationError' ? r.data.createTenant.fieldErrors : [];
    expect(fieldErrors.map((f) => f.path)).toEqual(['input.slug']);
    const view = await p.gql<Memberships>(MEMBERSHIPS, {}, person.accessToken);
    expect(view.data?.viewer.memberships).toEqual([]);
  });
});

describe('bad credentials', () => {
  it('a well-formed token signed with another key is refused with HTTP 401 TOKEN_INVALID and acts for no one', async () => {
    const owner = await ownerWithTenant(p);
    const me = await p.gql<{ viewer: { account: { id: string }; user: { id: string } } }>(`{ viewer { account { id } user { id } } }`, {}, owner.token);
    const foreignKeys = await generateSigningKeys();
    const forged = await createAccessTokenIssuer({ privateKeyPem: foreignKeys.privateKeyPem }).issue({
      accountId: me.data!.viewer.account.id,
      sessionId: crypto.randomUUID(),
      tenantId: owner.tenantId,
      userId: me.data!.viewer.user.id,
      role: 'owner',
      scopes: ['tenant:read', 'tenant:update'],
    });

    const r = await p.gql(`mutation { updateTenant(input: { name: "Forged" }) { __typename } }`, {}, forged.token);
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.code).toBe('TOKEN_INVALID');
    expect(r.data ?? null).toBeNull();
    const after = await p.gql(TenantOverview, {}, owner.token);
    expect(after.data?.tenant?.name).toBe(`Tenant ${owner.slug}`);
  });

  it.each([
    ['a garbage bearer token', 'Bearer not.a.jwt'],
    ['a non-bearer authorization scheme', 'Basic dXNlcjpwYXNz'],
  ])('%s is refused with HTTP 401 TOKEN_INVALID', async (_label, authorization) => {
    const r = await p.gql(`{ viewer { account { id } } }`, {}, null, { authorization });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.code).toBe('TOKEN_INVALID');
  });

  it('an expired access token is refused with HTTP 401 TOKEN_EXPIRED, not served anonymously', async () => {
    const owner = await ownerWithTenant(p);
    p.clock.advance(-3_600_000);
    let stale: string;
    try {
      const r = await p.gql(SignIn, { input: { email: owner.email, password: PASSWORD } });
      expect(r.data?.signIn.__typename).toBe('AuthSession');
      stale = r.data?.signIn.__typename === 'AuthSession' ? r.data.signIn.accessToken : '';
    } finally {
      p.clock.advance(3_600_000);
    }
    const r = await p.gql(TenantOverview, {}, stale);
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.code).toBe('TOKEN_EXPIRED');
    expect(r.data ?? null).toBeNull();
  });
});

describe('oversized requests', () => {
  /** A signUp whose name pads the JSON body to exactly `bytes`. */
  /**
   * A sign-up of exactly `bytes` bytes whose name is too long (10,000 characters). The rest is padding in
   * `extensions`, which nothing reads: a single 2 MiB variable string would be refused by the operation guard
   * (VARIABLES_TOO_LARGE) before input validation, which is not what these tests are about.
   */
  function signUpBody(email: string, bytes: number): string {
    const name = 'x'.repeat(10_000);
    const shell = JSON.stringify({ query: print(SignUp), variables: { input: { email, name, password: PASSWORD } }, extensions: { padding: '' } });
    return JSON.stringify({ query: print(SignUp), variables: { input: { email, name, password: PASSWORD } }, extensions: { padding: ' '.repeat(bytes - shell.length) } });
  }

  it('a body over the limit is refused with HTTP 413 PAYLOAD_TOO_LARGE and its mutation never runs', async () => {
    expect(BODY_LIMIT).toBeGreaterThanOrEqual(1_048_576);
    const email = uniqueEmail('huge');
    const body = signUpBody(email, BODY_LIMIT + 1);
    expect(body.length).toBe(BODY_LIMIT + 1);
    const r = await post(body);
    expect(r.status).toBe(413);
    expect(r.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await signInOutcome(email)).toBe('INVALID_CREDENTIALS');
  });

  it('a body just within the limit is read and reaches input validation', async () => {
    const email = uniqueEmail('large');
    const r = await post(signUpBody(email, BODY_LIMIT));
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({ signUp: { __typename: 'ValidationError', fieldErrors: [{ path: 'input.name' }] } });
  });
});

describe('request ids', () => {
  const requests: [string, number, () => Promise<{ status: number; headers: Headers }>][] = [
    ['a successful query', 200, () => p.gql('{ __typename }')],
    ['a parse failure', 400, () => p.gql('{ tenant {')],
    ['a validation failure', 400, () => p.gql('{ nope }')],
    ['a refused mutation', 200, () => p.gql(SignIn, { input: { email: uniqueEmail('nobody'), password: PASSWORD } })],
    ['a refused token', 401, () => p.gql('{ __typename }', {}, 'garbage')],
    ['an oversized body', 413, () => post(JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(BODY_LIMIT) }))],
    ['a health check', 200, () => fetch(`${p.url}/health`)],
  ];

  it.each(requests)('%s carries an x-request-id header', async (_label, status, send) => {
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
  });

  it('every request gets its own id', async () => {
    const [a, b] = await Promise.all([p.gql('{ __typename }'), p.gql('{ __typename }')]);
    expect(a.headers.get('x-request-id')).toBeTruthy();
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('a valid client-supplied x-request-id is echoed back; an unsafe one is replaced', async () => {
    const mine = `client-${crypto.randomUUID()}`;
    const echoed = await p.gql('{ __typename }', {}, null, { 'x-request-id': mine });
    expect(echoed.headers.get('x-request-id')).toBe(mine);
    const refused = await p.gql('{ __typename }', {}, 'garbage', { 'x-request-id': mine });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe(mine);

    const unsafe = 'bad id\twith spaces';
    const replaced = await p.gql('{ __typename }', {}, null, { 'x-request-id': unsafe });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
    expect(replaced.headers.get('x-request-id')).not.toBe(unsafe);
  });
});
