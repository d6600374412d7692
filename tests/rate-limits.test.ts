/**
 * Rate limits per tenant through the gateway (docs/rate-limits.md): every
 * response reports its cost and the tenant's bucket in `extensions.cost`; a
 * tenant whose bucket cannot take a request's cost gets HTTP 429 with
 * Retry-After and nothing runs; buckets are per tenant, refill at their
 * restore rate, and are shared by every gateway replica on the database;
 * batched operations are refused before anything runs.
 */
import { createHash } from 'node:crypto';
import { customerSuccessTables, inScope, rowsOf } from '@platform/db';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithTenant } from './support/actors.js';
import { distributedGateway, serveInProcess, type SubgraphName, type SubgraphServer } from './support/distributed.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { waitFor } from './support/wait.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

/**
 * FREE buckets here barely restore (a point every 100 s), so a test decides
 * exactly when one is empty; STARTER ones restore 10 points a second, for the
 * refill test. Both keep maxCost within the capacity, as start-up requires.
 */
const POLICIES = {
  FREE: { limits: { maxCost: 10 }, bucket: { capacity: 10, restoreRate: 0.01 } },
  STARTER: { limits: { maxCost: 10 }, bucket: { capacity: 10, restoreRate: 10 } },
};
const FREE = POLICIES.FREE.bucket;

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | null;
}
interface Response {
  status: number;
  headers: Headers;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { cost?: Cost };
}

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform({ env: { GATEWAY_TIER_POLICIES: JSON.stringify(POLICIES) } });
});
afterAll(() => p?.close());

/** One object (the tenant): its estimate and its actual cost are the same, so nothing is refunded. */
const TENANT = '{ tenant { id name } }';
const CREATE_CUSTOMER = 'mutation ($name: String!) { createCustomer(input: { name: $name, segment: SMB }) { __typename } }';

async function post(body: unknown, token?: string, url = p.url): Promise<Response> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
}

const costOf = (r: Response): Cost => {
  if (!r.extensions?.cost) throw new Error(`no extensions.cost in ${JSON.stringify(r)}`);
  return r.extensions.cost;
};

/** Sends TENANT until the gateway answers 429; returns the admitted responses and the refusal. */
async function exhaust(token: string, url = p.url) {
  const admitted: Response[] = [];
  for (let i = 0; i < 50; i++) {
    const r = await post({ query: TENANT }, token, url);
    if (r.status === 429) return { admitted, refused: r };
    expect(r.status).toBe(200);
    admitted.push(r);
  }
  throw new Error('the bucket never ran out');
}

/** Customers of the tenant named `name`, read from the database directly (the tenant's bucket may be empty). */
async function customersNamed(tenantId: string, name: string): Promise<number> {
  const t = customerSuccessTables.customers;
  return inScope(p.platform.database!.db, { tenantId, accountId: null }, async (tx) => (await tx.select().from(t).where(and(eq(t.tenantId, tenantId), eq(t.name, name)))).length);
}

/** The tenant's bucket level as stored (null: never charged). */
async function bucketLevel(tenantId: string): Promise<number | null> {
  const rows = await inScope(p.platform.database!.db, { tenantId, accountId: null }, async (tx) => rowsOf<{ level: number }>(await tx.execute(sql`select level from gateway.rate_limit_buckets`)));
  return rows[0] ? Number(rows[0].level) : null;
}

describe('extensions.cost', () => {
  it('a successful query reports what it was charged, what it cost and the bucket left', async () => {
    const owner = await ownerWithTenant(p);
    const r = await post({ query: TENANT }, owner.token);
    expect(r.status).toBe(200);
    const cost = costOf(r);
    expect(cost.requestedQueryCost).toBeGreaterThanOrEqual(1);
    expect(cost.actualQueryCost).toBe(cost.requestedQueryCost);
    expect(cost.throttleStatus).toEqual({ maximumAvailable: FREE.capacity, currentlyAvailable: FREE.capacity - cost.requestedQueryCost, restoreRate: FREE.restoreRate });
  });

  it('a query that returns fewer objects than estimated is charged what it returned, and the difference comes back', async () => {
    const owner = await ownerWithTenant(p);
    // Estimated for 5 customers; the new tenant has none.
    const r = await post({ query: '{ customers(first: 5) { nodes { id name } } }' }, owner.token);
    expect(r.status).toBe(200);
    const cost = costOf(r);
    expect(cost.requestedQueryCost).toBeGreaterThan(cost.actualQueryCost!);
    expect(cost.actualQueryCost).toBe(1); // an empty page: the minimum charge
    expect(cost.throttleStatus?.currentlyAvailable).toBe(FREE.capacity - 1);
    // The tenant's next request already sees the refund.
    const next = costOf(await post({ query: TENANT }, owner.token));
    expect(next.throttleStatus?.currentlyAvailable).toBe(FREE.capacity - 1 - next.requestedQueryCost);
  });

  it('a GraphQL validation error reports a charge of the minimum and no actual cost (nothing ran)', async () => {
    const owner = await ownerWithTenant(p);
    const r = await post({ query: '{ tenant { id passwordHash } }' }, owner.token);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const cost = costOf(r);
    expect(cost.actualQueryCost).toBeNull();
    expect(cost.throttleStatus?.currentlyAvailable).toBe(FREE.capacity - 1);
  });

  it('an operation-limit error (HTTP 400) reports the cost and the bucket', async () => {
    const owner = await ownerWithTenant(p);
    // 50 customers cost more than the tier's maxCost of 10.
    const r = await post({ query: '{ customers(first: 50) { nodes { id owner { name } } } }' }, owner.token);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', maximum: 10 });
    expect(costOf(r)).toEqual({
      requestedQueryCost: 1,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: FREE.capacity, currentlyAvailable: FREE.capacity - 1, restoreRate: FREE.restoreRate },
    });
  });

  it('a caller without a tenant has a cost but no bucket', async () => {
    const r = await post({ query: '{ __typename }' });
    expect(r.status).toBe(200);
    expect(costOf(r)).toEqual({ requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: null });
  });
});

describe('an exhausted bucket', () => {
  it('answers HTTP 429 RATE_LIMITED with Retry-After and the bucket in extensions.cost', async () => {
    const owner = await ownerWithTenant(p);
    const { admitted, refused } = await exhaust(owner.token);
    const charge = costOf(admitted[0]!).requestedQueryCost;
    expect(admitted).toHaveLength(Math.floor(FREE.capacity / charge));
    expect(costOf(admitted.at(-1)!).throttleStatus?.currentlyAvailable).toBe(FREE.capacity - admitted.length * charge);

    expect(refused.status).toBe(429);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    // The missing points at 0.01 a second: at most the whole charge's worth, at least a second.
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(charge / FREE.restoreRate));
    expect(refused.errors?.[0]?.extensions?.retryAfter).toBe(retryAfter);
    expect(costOf(refused)).toMatchObject({ requestedQueryCost: charge, actualQueryCost: null, throttleStatus: { maximumAvailable: FREE.capacity } });
    expect(costOf(refused).throttleStatus!.currentlyAvailable).toBeLessThan(charge);
  });

  it('runs no mutation: a refused createCustomer creates nothing', async () => {
    const owner = await ownerWithTenant(p);
    const control = `Admitted ${crypto.randomUUID()}`;
    const created = await post({ query: CREATE_CUSTOMER, variables: { name: control } }, owner.token);
    expect(created, JSON.stringify(created)).toMatchObject({ status: 200 });
    expect(created.data).toEqual({ createCustomer: { __typename: 'Customer' } });
    expect(await customersNamed(owner.tenantId, control)).toBe(1);
    await exhaust(owner.token);
    const name = `Throttled ${crypto.randomUUID()}`;
    const r = await post({ query: CREATE_CUSTOMER, variables: { name } }, owner.token);
    expect(r.status).toBe(429);
    expect(r.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(await customersNamed(owner.tenantId, name)).toBe(0);
  });

  it('is the tenant’s alone: another tenant is served from its own full bucket', async () => {
    const [a, b] = await Promise.all([ownerWithTenant(p), ownerWithTenant(p)]);
    await exhaust(a.token);
    const r = await post({ query: TENANT }, b.token);
    expect(r.status).toBe(200);
    expect(costOf(r).throttleStatus?.currentlyAvailable).toBe(FREE.capacity - costOf(r).requestedQueryCost);
    expect((await post({ query: TENANT }, a.token)).status).toBe(429);
  });

  it('refills at the restore rate: after Retry-After seconds the tenant is served again', async () => {
    const owner = await ownerWithTenant(p, { tier: 'STARTER' });
    const { refused } = await exhaust(owner.token);
    expect(costOf(refused).throttleStatus).toMatchObject({ maximumAvailable: 10, restoreRate: 10 });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const again = await post({ query: TENANT }, owner.token);
    expect(again.status).toBe(200);
    // A second at 10 points a second refilled the whole bucket, less this request.
    expect(costOf(again).throttleStatus?.currentlyAvailable).toBe(10 - costOf(again).requestedQueryCost);
  });
});

describe('automatic persisted queries', () => {
  it('still work: an unknown hash costs the minimum, a registered one is charged its estimate', async () => {
    const owner = await ownerWithTenant(p);
    const query = '{ customers(first: 5) { nodes { id } } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const unknown = await post({ extensions }, owner.token);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(costOf(unknown)).toMatchObject({ requestedQueryCost: 1, actualQueryCost: null });
    const registered = await post({ query, extensions }, owner.token);
    expect(registered.data, JSON.stringify(registered)).toEqual({ customers: { nodes: [] } });
    const byHash = await post({ extensions }, owner.token);
    expect(byHash.data, JSON.stringify(byHash)).toEqual({ customers: { nodes: [] } });
    expect(costOf(byHash).requestedQueryCost).toBe(costOf(registered).requestedQueryCost);
    expect(costOf(byHash).requestedQueryCost).toBeGreaterThan(1);
  });
});

describe('subscriptions', () => {
  it('starting one is charged to the bucket, and an exhausted bucket refuses it with RATE_LIMITED', async () => {
    const owner = await ownerWithTenant(p);
    const query = 'subscription { invoiceStatusChanged { to } }';
    // The tenant was created before its owner's token named it, so nothing has been charged to it yet.
    expect(await bucketLevel(owner.tenantId)).toBeNull();
    const admitted = p.live(query, {}, owner.token);
    expect(await waitFor(() => bucketLevel(owner.tenantId), (level) => level !== null, 5_000)).toBeGreaterThanOrEqual(1);
    expect(admitted).toEqual([]);
    await exhaust(owner.token);
    const refused = p.live(query, {}, owner.token);
    const outcome = await waitFor(async () => refused, (r) => r.length > 0, 5_000);
    const errors = outcome[0]?.errors ?? (outcome[0]?.error as { message: string; extensions?: Record<string, unknown> }[] | undefined);
    expect(errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});

describe('batched operations', () => {
  it('a JSON array body is refused with HTTP 400 BATCHING_NOT_SUPPORTED and none of its operations runs', async () => {
    const owner = await ownerWithTenant(p);
    const name = `Batched ${crypto.randomUUID()}`;
    const r = await post(
      [
        { query: CREATE_CUSTOMER, variables: { name } },
        { query: TENANT },
      ],
      owner.token,
    );
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BATCHING_NOT_SUPPORTED', size: 2 });
    expect(r.data).toBeUndefined();
    expect(costOf(r)).toMatchObject({ requestedQueryCost: 1, actualQueryCost: null });
    expect(await customersNamed(owner.tenantId, name)).toBe(0);
  });

  it('a flood of batches drains the sender’s bucket like any other request', async () => {
    const owner = await ownerWithTenant(p);
    const batch = Array.from({ length: 100 }, () => ({ query: TENANT }));
    const statuses: number[] = [];
    for (let i = 0; i < FREE.capacity + 1; i++) statuses.push((await post(batch, owner.token)).status);
    expect(statuses.slice(0, FREE.capacity)).toEqual(Array(FREE.capacity).fill(400));
    expect((await post({ query: TENANT }, owner.token)).status).toBe(429);
  });
});

describe.runIf(onPostgres)('gateway replicas (PostgreSQL)', () => {
  const servers: SubgraphServer[] = [];
  let replica: Awaited<ReturnType<typeof distributedGateway>>;
  beforeAll(async () => {
    const names: SubgraphName[] = ['tenancy', 'customer-success', 'billing', 'analytics'];
    for (const name of names) servers.push(await serveInProcess(p, name));
    const urls = Object.fromEntries(names.map((name, i) => [name, servers[i]!.url])) as Record<SubgraphName, string>;
    replica = await distributedGateway(p, urls, { DATABASE_URL: p.databaseUrl!, GATEWAY_TIER_POLICIES: JSON.stringify(POLICIES) });
  });
  afterAll(async () => {
    await replica?.close();
    for (const server of servers) await server.stop();
  });

  it('share one bucket per tenant: spent through one gateway, it is spent on the other', async () => {
    const owner = await ownerWithTenant(p);
    const first = await post({ query: TENANT }, owner.token, replica.url);
    expect(first.status).toBe(200);
    const { admitted } = await exhaust(owner.token);
    // The replica's charge counted on the platform's gateway...
    expect(admitted).toHaveLength(Math.floor(FREE.capacity / costOf(first).requestedQueryCost) - 1);
    // ...and the platform's charges on the replica.
    const refused = await post({ query: TENANT }, owner.token, replica.url);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});
