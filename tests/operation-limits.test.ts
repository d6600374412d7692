/**
 * Operation limits through the gateway: every limit refuses with HTTP 400 and
 * a code naming it, before anything runs; limits follow the tenant's tier
 * (and the operator's per-tier overrides); introspection is off in
 * production; persisted queries are checked like any other.
 */
import { createHash } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithTenant } from './support/actors.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { waitFor } from './support/wait.js';

// ENTERPRISE may alias 60 fields and spend up to a million points in one request; FREE keeps the defaults (30, 1,000).
const OVERRIDES = { ENTERPRISE: { limits: { maxAliases: 60, maxCost: 1_000_000 }, bucket: { capacity: 1_000_000 } } };

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform({ env: { GATEWAY_TIER_POLICIES: JSON.stringify(OVERRIDES) } });
});
afterAll(() => p?.close());

type Result = Awaited<ReturnType<TestPlatform['gql']>>;

function expectRefused(r: Result, code: string, limit: string, maximum?: number) {
  expect(r.status, JSON.stringify(r.errors)).toBe(400);
  expect(r.errors?.[0]?.extensions).toMatchObject({ code, limit, ...(maximum === undefined ? {} : { maximum }) });
  expect(typeof r.errors?.[0]?.message).toBe('string');
  expect(r.data).toBeUndefined();
}

/** `n` aliased copies of a selection: a0: …, a1: …, … */
const aliased = (n: number, selection: string) => Array.from({ length: n }, (_, i) => `a${i}: ${selection}`).join(' ');

/** Customers → owner → their portfolio's customers → …, `cycles` times: a path the schema allows to any depth. */
function portfolioChain(cycles: number, leaf = 'id'): string {
  let inner = leaf;
  for (let i = 0; i < cycles; i++) inner = `owner { csmPortfolio { customers { ${inner} } } }`;
  return `{ customers { nodes { ${inner} } } }`;
}

const fanOut = [
  '{ ...F0 }',
  ...Array.from({ length: 9 }, (_, i) => `fragment F${i} on Query { ${`...F${i + 1} `.repeat(10)}}`),
  'fragment F9 on Query { __typename }',
].join('\n');

const nestedJson = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}1${']'.repeat(levels)}`);

describe('each bad input is refused with HTTP 400 and the code of its limit (a FREE tenant, default limits)', () => {
  const cases: [string, string, Record<string, unknown> | undefined, string, string, number | undefined][] = [
    ['a depth bomb (18 levels)', portfolioChain(5), undefined, 'DEPTH_LIMIT_EXCEEDED', 'maxDepth', 15],
    ['a depth bomb too deep for the parser (3,000 levels in 9,003 tokens)', `{ ${'a { '.repeat(3_000)}b${' }'.repeat(3_000)} }`, undefined, 'DEPTH_LIMIT_EXCEEDED', 'maxDepth', 15],
    ['an alias bomb (31 aliases)', `{ ${aliased(31, 'customers(first: 1) { nodes { id } }')} }`, undefined, 'ALIAS_LIMIT_EXCEEDED', 'maxAliases', 30],
    ['21 root fields', `{ ${aliased(21, '__typename')} }`, undefined, 'ROOT_FIELD_LIMIT_EXCEEDED', 'maxRootFields', 20],
    ['a token flood', `{ ${'__typename '.repeat(10_000)}}`, undefined, 'TOKEN_LIMIT_EXCEEDED', 'maxTokens', 10_000],
    ['a fragment cycle', '{ ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }', undefined, 'FRAGMENT_CYCLE', 'fragmentCycles', undefined],
    ['a fragment fan-out (10^9 fields once expanded)', fanOut, undefined, 'FRAGMENT_EXPANSION_LIMIT_EXCEEDED', 'maxTokens', 10_000],
    ['a page of 101', '{ customers(first: 101) { nodes { id } } }', undefined, 'PAGE_SIZE_OUT_OF_RANGE', 'maxPageSize', 100],
    ['a page of 0 given as a variable', 'query Page($n: Int) { customers(first: $n) { nodes { id } } }', { n: 0 }, 'PAGE_SIZE_OUT_OF_RANGE', 'maxPageSize', 100],
    ['100 customers × 100 invoices (cost 10,201)', '{ customers(first: 100) { nodes { invoices(first: 100) { nodes { id } } } } }', undefined, 'COST_LIMIT_EXCEEDED', 'maxCost', 1_000],
    ['variables nested 40 deep', 'query Q($deep: [[Int]]) { __typename }', { deep: nestedJson(40) }, 'VARIABLES_TOO_LARGE', 'maxVariableDepth', 32],
    ['variables with 200,001 values', 'query Q($ids: [ID!]) { __typename }', { ids: new Array(200_001).fill('1') }, 'VARIABLES_TOO_LARGE', 'maxVariableValues', 200_000],
  ];

  let token: string;
  beforeAll(async () => {
    token = (await ownerWithTenant(p, { tier: 'FREE' })).token;
  });

  it.each(cases)('%s', async (_label, query, variables, code, limit, maximum) => {
    expectRefused(await p.gql(query, variables, token), code, limit, maximum);
  });

  it('the refusal names the actual value, for the developer to fix', async () => {
    const r = await p.gql('{ customers(first: 100) { nodes { invoices(first: 100) { nodes { id } } } } }', undefined, token);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', maximum: 1_000, actual: 10_201 });
    expect(r.errors?.[0]?.message).toContain('10,201');
  });

  it('the same shapes within the limits run', async () => {
    // Cost 101 + 61; depth 5; 2 aliases.
    const r = await p.gql('{ a: customers(first: 100) { nodes { id } } b: customers(first: 5) { nodes { invoices(first: 10) { nodes { id } } } } }', undefined, token);
    expect(r.status, JSON.stringify(r.errors)).toBe(200);
    expect(r.data).toEqual({ a: { nodes: [] }, b: { nodes: [] } });
  });
});

describe('a refused mutation runs nothing', () => {
  it('an alias bomb of 31 createCustomer creates no customer; one createCustomer does', async () => {
    const { token } = await ownerWithTenant(p);
    const create = (name: string) => `createCustomer(input: { name: "${name}", segment: SMB }) { __typename }`;
    expectRefused(await p.gql(`mutation { ${aliased(31, create('Bomb'))} }`, undefined, token), 'ALIAS_LIMIT_EXCEEDED', 'maxAliases', 30);
    const none = await p.ok<{ customers: { nodes: unknown[] } }>('{ customers { nodes { id } } }', undefined, token);
    expect(none.customers.nodes).toEqual([]);

    await p.ok(`mutation { ${create('One')} }`, undefined, token);
    const one = await p.ok<{ customers: { nodes: { name: string }[] } }>('{ customers { nodes { name } } }', undefined, token);
    expect(one.customers.nodes.map((c) => c.name)).toEqual(['One']);
  });
});

describe('limits follow the tier', () => {
  // Aliases below the root, so only maxAliases is at stake (maxRootFields stays 20 for every tier).
  const fortyAliases = `{ tenant { ${aliased(40, 'id')} } }`;

  it('an override for ENTERPRISE (60 aliases) applies to ENTERPRISE tenants, trial included, and not to FREE', async () => {
    const free = await ownerWithTenant(p, { tier: 'FREE' });
    // A paid tier at creation starts a trial of it; the trial's tier is the one that applies.
    const trial = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    expectRefused(await p.gql(fortyAliases, undefined, free.token), 'ALIAS_LIMIT_EXCEEDED', 'maxAliases', 30);
    const r = await p.gql(fortyAliases, undefined, trial.token);
    expect(r.status, JSON.stringify(r.errors)).toBe(200);
  });

  it('a tenant that changes tier gets the new tier’s limits (after the gateway’s short tier cache)', async () => {
    const owner = await ownerWithTenant(p, { tier: 'FREE' });
    expectRefused(await p.gql(fortyAliases, undefined, owner.token), 'ALIAS_LIMIT_EXCEEDED', 'maxAliases', 30);
    const changed = await p.ok<{ changeTier: { __typename: string } }>('mutation { changeTier(tier: ENTERPRISE) { __typename } }', undefined, owner.token);
    expect(changed.changeTier.__typename).toBe('Tenant');
    const after = await waitFor(
      () => p.gql(fortyAliases, undefined, owner.token),
      (r) => r.status === 200,
      10_000,
    );
    expect(after.status, JSON.stringify(after.errors)).toBe(200);
  });

  it('refuses an operation that could return more than 500,000 nodes even where the cost limit allows it', async () => {
    const { token } = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    // 100 customers, each owner's portfolio (assumed 50 customers), each with a page of invoices.
    const chain = (page: number) => `{ customers(first: 100) { nodes { owner { csmPortfolio { customers { invoices(first: ${page}) { nodes { id } } } } } } } }`;
    const refused = await p.gql(chain(100), undefined, token);
    expectRefused(refused, 'NODE_LIMIT_EXCEEDED', 'maxNodes', 500_000);
    expect(refused.errors?.[0]?.extensions?.actual).toBe(100 + 100 * 50 + 100 * 50 * 100);
    const allowed = await p.gql(chain(90), undefined, token);
    expect(allowed.status, JSON.stringify(allowed.errors)).toBe(200);
  });
});

describe('persisted queries', () => {
  it('a hash-only request is checked against the limits of its sender, not run unchecked from the cache', async () => {
    const enterprise = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const free = await ownerWithTenant(p, { tier: 'FREE' });
    const query = `query Aliases { tenant { ${aliased(39, 'id')} } }`;
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const post = (body: Record<string, unknown>, token: string) =>
      fetch(`${p.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, ...((await r.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }) }),
      );

    const unknown = await post({ extensions: { persistedQuery } }, enterprise.token);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions: { persistedQuery } }, enterprise.token)).status).toBe(200);
    expect((await post({ extensions: { persistedQuery } }, enterprise.token)).status).toBe(200);

    const refused = await post({ extensions: { persistedQuery } }, free.token);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'ALIAS_LIMIT_EXCEEDED', maximum: 30, actual: 39 });
  });
});

describe('introspection', () => {
  it("outside production, the explorer's introspection query passes the anonymous limits", async () => {
    const query = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true });
    const r = await p.gql<{ __schema: { queryType: { name: string } } }>(query);
    expect(r.status, JSON.stringify(r.errors)).toBe(200);
    expect(r.data?.__schema.queryType.name).toBe('Query');
  });

  describe('in production', () => {
    let prod: TestPlatform;
    beforeAll(async () => {
      prod = await startTestPlatform({ env: { NODE_ENV: 'production', PUBLIC_ORIGIN: 'https://ops.example.test' } });
    });
    afterAll(() => prod?.close());

    it.each([
      ['__schema', '{ __schema { queryType { name } } }'],
      ['__type', '{ __type(name: "Customer") { fields { name } } }'],
      ['__type inside a fragment', '{ ...T } fragment T on Query { __typename __type(name: "User") { name } }'],
      ['the explorer’s introspection query', getIntrospectionQuery()],
    ])('%s is refused with INTROSPECTION_DISABLED', async (_label, query) => {
      expectRefused(await prod.gql(query), 'INTROSPECTION_DISABLED', 'introspection');
    });

    it('__typename is still answered', async () => {
      const r = await prod.gql('{ __typename }');
      expect(r.status).toBe(200);
      expect(r.data).toEqual({ __typename: 'Query' });
    });
  });
});
