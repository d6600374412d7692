/**
 * No N+1: listing 10 or 200 customers with fields from three subgraphs
 * (customer-success: name, health score; tenancy: the owner's name and email;
 * billing: subscriptions with their items, prices and plans) sends the same
 * number of SQL statements to the database; so does every other per-customer
 * list (health history, journey, NPS responses, tickets, invoices, current
 * usage) and the owners' permissions and portfolios. Every per-parent field
 * and every entity reference is loaded in batches (DataLoader), so the count
 * depends on the shape of the query, not on the number of customers.
 *
 * Counting: the platform's database reports every statement its driver sends,
 * BEGIN and COMMIT included (`onStatement`, @platform/db statement-observer.ts),
 * and `countStatements` keeps those sent within one request's async context
 * while it runs, so the event relay, job queue and periodic tasks running
 * meanwhile are left out. The request goes through the gateway's whole
 * pipeline (Fastify, authentication, limits, query planning, the in-process
 * subgraphs) by `app.inject`, which runs it in the caller's async context;
 * over a socket the server would run it in the connection's context instead.
 *
 * A connection returns at most 100 nodes (`first` is 1–100), so 200 customers
 * in ONE request are two aliased root fields, the second after the first's end
 * cursor; the 10-customer request has the same shape, 5 + 5.
 *
 * What is not the request's own: each request runs once unmeasured first, so
 * the database connections it needs are open; then twice measured, and the
 * smaller count is kept, because the gateway refreshes its per-tenant snapshot
 * (tier, quota) inside whichever request finds it older than 5 s, which can be
 * one of two requests in a row (each takes well under 5 s) but not both. The API-call quota is off: its
 * report to tenancy is a timer a request starts, which could fire inside the
 * next request measured.
 */
import { countStatements, recordStatement } from '@platform/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOf, ownerWithTenant } from './support/actors.js';
import { usageEvent } from './support/customer-success.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { publishEvents } from './support/producer.js';
import { waitFor } from './support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: test payloads are checked by value, not by type
type Payload = Record<string, any>;

const CUSTOMERS = 200;
const OWNERS = 4;
const PARALLEL = 20;
const CUSTOM_ROLE_PERMISSIONS = ['tenant:read', 'members:read', 'data:read', 'data:write', 'usage:read'];

/** The fields of the read: one from each of three subgraphs, two of them entity fetches. */
const THREE_SUBGRAPHS = `
  id name
  healthScore { score band }
  owner { id name email }
  subscriptions { status items { quantity price { unitAmount currency plan { name } } } }`;

/** Every other list or per-parent field on a customer and its owner (paginated lists per customer included). */
const PER_CUSTOMER_LISTS = `
  id
  healthHistory(first: 2) { nodes { score } pageInfo { hasNextPage } }
  journey(first: 3) { nodes { kind } }
  npsResponses(first: 3) { nodes { score } }
  supportTickets(first: 3) { nodes { subject } }
  owner { id permissions csmPortfolio { workload { customers } } }
  subscriptions { currentUsage { quantity } pendingAmount }
  invoices(first: 2) { nodes { status lines { amount } payments { status } } }`;

/** Two pages of customers in one request, the second after `$after`. */
const twoPages = (fields: string) => `query TwoPages($first: Int!, $after: String!) {
  a: customers(first: $first) { nodes { ${fields} } }
  b: customers(first: $first, after: $after) { nodes { ${fields} } }
}`;

describe('no N+1 across subgraphs', () => {
  let p: TestPlatform;
  let owner: Awaited<ReturnType<typeof ownerWithTenant>>;

  const ok = (query: string, variables: Record<string, unknown> = {}) => p.ok<Payload>(query, variables, owner.token);

  /** Runs `items` through `work`, PARALLEL at a time. */
  async function inBatches<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    for (let i = 0; i < items.length; i += PARALLEL) results.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(work))));
    return results;
  }

  /**
   * The two-page request for `perPage` customers a page, sent through the
   * gateway: once to warm up, then twice counted, keeping the smaller count
   * (the gateway's tenant snapshot is refreshed inside at most one of them).
   */
  async function listTwoPages(fields: string, perPage: number) {
    const first = await ok(`query($first: Int!) { customers(first: $first) { pageInfo { endCursor } } }`, { first: perPage });
    const request = () =>
      p.platform.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
        payload: { query: twoPages(fields), variables: { first: perPage, after: first.customers.pageInfo.endCursor } },
      });
    await request();
    const counted = [await countStatements(request), await countStatements(request)];
    const { result, statements } = counted[0]!.statements.length <= counted[1]!.statements.length ? counted[0]! : counted[1]!;
    const body = result.json() as { data: { a: { nodes: Payload[] }; b: { nodes: Payload[] } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return { customers: [...body.data.a.nodes, ...body.data.b.nodes], statements };
  }

  beforeAll(async () => {
    // Cost and rate limits are not under test here: the enterprise tier's are raised so 200 customers with every list fit one request.
    const unlimited = { limits: { maxCost: 1_000_000 }, bucket: { capacity: 1_000_000, restoreRate: 1_000_000 } };
    p = await startTestPlatform({ onStatement: recordStatement, quota: false, env: { GATEWAY_TIER_POLICIES: JSON.stringify({ ENTERPRISE: unlimited }) } });
    owner = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const me = (await ok('{ viewer { user { id } } }')).viewer.user.id as string;
    // One owner has a custom role, whose permissions are read from the tenant's roles (the others' come from code).
    const role = await ok(`mutation($input: CreateRoleInput!) { createRole(input: $input) { ... on Role { key } ... on Error { code message } } }`, {
      input: { key: 'account_manager', name: 'Account manager', permissions: CUSTOM_ROLE_PERMISSIONS },
    });
    expect(role.createRole).toEqual({ key: 'account_manager' });
    const roles = ['account_manager', ...Array.from({ length: OWNERS - 2 }, () => 'member')];
    const members = await Promise.all(roles.map((role) => memberOf(p, owner.token, role)));
    const owners = [me, ...members.map((m) => m.userId)];

    const plan = (await ok('mutation { createPlan(name: "Growth") { id } }')).createPlan;
    const price = (
      await ok(`mutation($input: CreatePriceInput!) { createPrice(input: $input) { ... on Price { id } ... on Error { code message } } }`, {
        input: { planId: plan.id, currency: 'USD', model: 'PER_SEAT', unitAmount: 1_500, interval: 'MONTH' },
      })
    ).createPrice;

    const createCustomer = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ... on Customer { id } ... on Error { code message } } }`;
    // One at a time, each a millisecond later on the test clock: the list's order (createdAt, then id) is the order of
    // creation, so every page of 5 or 100 has the same owners, in turn, whichever run this is.
    const customerIds: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      p.clock.advance(1);
      const input = { name: `Customer ${String(i).padStart(3, '0')}`, segment: 'SMB', ownerUserId: owners[i % OWNERS] };
      customerIds.push((await ok(createCustomer, { input })).createCustomer.id as string);
    }

    // Billing learns of each customer from customer.created@1, so a subscription may have to wait for it.
    const subscribe = `mutation($input: CreateSubscriptionInput!) { createSubscription(input: $input) { __typename ... on Error { code message } } }`;
    await inBatches(customerIds, async (customerId) => {
      const input = { customerId, items: [{ priceId: price.id, quantity: 3 }], trialDays: 0, idempotencyKey: `sub-${customerId}` };
      const created = await waitFor(() => ok(subscribe, { input }), (d) => d.createSubscription.__typename === 'BillingSubscription');
      expect(created.createSubscription.__typename).toBe('BillingSubscription');
    });

    // Health scores come from analytics' usage events.
    await publishEvents(
      p.platform.database!,
      owner.tenantId,
      customerIds.map((id) => ({ type: 'usage.recorded@1' as const, payload: usageEvent(id, { monthlyActiveUsers: 30 }) })),
    );
    const unscored = await waitFor(
      async () => {
        const page = `query($after: String) { customers(first: 100, after: $after) { nodes { healthScore { score } } pageInfo { endCursor } } }`;
        const a = (await ok(page)).customers;
        const b = (await ok(page, { after: a.pageInfo.endCursor })).customers;
        return [...a.nodes, ...b.nodes].filter((c: Payload) => c.healthScore === null).length;
      },
      (n) => n === 0,
      60_000,
    );
    expect(unscored).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await p?.close();
  });

  it('sends as many statements for 200 customers with fields of three subgraphs as for 10', async () => {
    const ten = await listTwoPages(THREE_SUBGRAPHS, 5);
    const twoHundred = await listTwoPages(THREE_SUBGRAPHS, 100);

    expect(ten.customers).toHaveLength(10);
    expect(twoHundred.customers).toHaveLength(CUSTOMERS);
    for (const customer of twoHundred.customers) {
      expect(customer).toMatchObject({
        healthScore: { score: expect.any(Number) },
        owner: { name: expect.any(String), email: expect.stringContaining('@') },
        subscriptions: [{ status: 'ACTIVE', items: [{ quantity: 3, price: { unitAmount: 1_500, currency: 'USD', plan: { name: 'Growth' } } }] }],
      });
    }
    expect(twoHundred.statements.length, `10 customers: ${ten.statements.length} statements; 200 customers: ${twoHundred.statements.length}`).toBe(
      ten.statements.length,
    );
  });

  it('sends as many statements for 200 customers with their own lists, owners’ permissions and portfolios as for 10', async () => {
    const ten = await listTwoPages(PER_CUSTOMER_LISTS, 5);
    const twoHundred = await listTwoPages(PER_CUSTOMER_LISTS, 100);

    expect(twoHundred.customers).toHaveLength(CUSTOMERS);
    expect(new Set(twoHundred.customers.map((c) => JSON.stringify(c.owner.permissions)))).toContain(JSON.stringify(CUSTOM_ROLE_PERMISSIONS));
    for (const customer of twoHundred.customers) {
      expect(customer).toMatchObject({
        healthHistory: { nodes: [{ score: expect.any(Number) }], pageInfo: { hasNextPage: false } },
        journey: { nodes: [{ kind: 'HEALTH_BAND_CHANGED' }, { kind: 'CUSTOMER_CREATED' }] },
        owner: { permissions: expect.arrayContaining(['members:read']), csmPortfolio: { workload: { customers: CUSTOMERS / OWNERS } } },
        subscriptions: [{ currentUsage: [] }],
        invoices: { nodes: [{ lines: [expect.anything()] }] },
      });
    }
    expect(twoHundred.statements.length, `10 customers: ${ten.statements.length} statements; 200 customers: ${twoHundred.statements.length}`).toBe(
      ten.statements.length,
    );
  });
});
