/**
 * Graceful failure, end to end (docs/resilience.md): a gateway in distributed
 * mode keeps answering while the billing subgraph is down in the middle of a
 * load run, with only billing's fields null and an error naming billing; its
 * circuit breaker opens (seen on /ready) and everything recovers once billing
 * is back. With tenancy down, customers come without their owners. A billing
 * slower than its timeout costs the timeout, not the wait.
 *
 * How billing goes down: on PostgreSQL (DATABASE_URL) billing runs as its own
 * process (`pnpm --filter @platform/billing start`), killed with SIGKILL and
 * started again on the same port. On PGlite processes cannot share the
 * embedded database, so billing's HTTP server runs in this process and is
 * stopped with its open connections cut, then started again on the same
 * port. The other subgraphs are served over HTTP from this process in both
 * cases, over the test platform's database, which also seeds the data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithTenant } from './support/actors.js';
import { usageEvent } from './support/customer-success.js';
import { billingProcess, delayingProxy, distributedGateway, type SubgraphName, type SubgraphServer, serveInProcess } from './support/distributed.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { publishEvents } from './support/producer.js';
import { waitFor } from './support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: response payloads are checked by value, not by type
type Payload = Record<string, any>;

const CUSTOMERS = 12;
const CLIENTS = 8;
const QUERY = `query Customers { customers(first: 50) { nodes {
  id name healthScore { score } owner { name email }
  subscriptions { status items { quantity price { unitAmount plan { name } } } }
} } }`;

/** This test is about failures, not rate limits: the tenant's cost limit and bucket are lifted out of the way. */
const UNLIMITED = { GATEWAY_TIER_POLICIES: JSON.stringify({ ENTERPRISE: { limits: { maxCost: 1_000_000 }, bucket: { capacity: 1_000_000_000, restoreRate: 1_000_000_000 } } }) };

type Phase = 'healthy' | 'stopping' | 'down' | 'restarting' | 'recovered';
interface Sample {
  status: number;
  body: Payload | null;
  started: Phase;
  ended: Phase;
}

describe('a subgraph that goes down or gets slow', () => {
  let p: TestPlatform;
  let owner: Awaited<ReturnType<typeof ownerWithTenant>>;
  const servers = {} as Record<SubgraphName, SubgraphServer>;
  let gateway: Awaited<ReturnType<typeof distributedGateway>>;
  let baseline: Payload[];

  const ok = (query: string, variables: Record<string, unknown> = {}) => p.ok<Payload>(query, variables, owner.token);

  beforeAll(async () => {
    p = await startTestPlatform({ quota: false });
    owner = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const me = (await ok('{ viewer { user { id } } }')).viewer.user.id as string;
    const plan = (await ok('mutation { createPlan(name: "Growth") { id } }')).createPlan;
    const createPrice = 'mutation($input: CreatePriceInput!) { createPrice(input: $input) { ... on Price { id } ... on Error { code message } } }';
    const price = (await ok(createPrice, { input: { planId: plan.id, currency: 'USD', model: 'PER_SEAT', unitAmount: 1_500, interval: 'MONTH' } })).createPrice;
    const createCustomer = 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ... on Customer { id } ... on Error { code message } } }';
    const subscribe = 'mutation($input: CreateSubscriptionInput!) { createSubscription(input: $input) { __typename ... on Error { code message } } }';
    const customerIds = await Promise.all(
      Array.from({ length: CUSTOMERS }, async (_, i) => {
        const id = (await ok(createCustomer, { input: { name: `Customer ${i}`, segment: 'SMB', ownerUserId: me } })).createCustomer.id as string;
        // Billing learns of the customer from customer.created@1, so the subscription may have to wait for it.
        const input = { customerId: id, items: [{ priceId: price.id, quantity: 2 }], trialDays: 0, idempotencyKey: `sub-${id}` };
        await waitFor(() => ok(subscribe, { input }), (d) => d.createSubscription.__typename === 'BillingSubscription');
        return id;
      }),
    );
    // Health scores come from analytics' usage events.
    await publishEvents(p.platform.database!, owner.tenantId, customerIds.map((id) => ({ type: 'usage.recorded@1' as const, payload: usageEvent(id, { monthlyActiveUsers: 30 }) })));
    await waitFor(
      () => ok('{ customers(first: 50) { nodes { healthScore { score } } } }'),
      (d) => d.customers.nodes.every((c: Payload) => c.healthScore !== null),
      60_000,
    );

    for (const name of ['tenancy', 'customer-success', 'analytics'] as const) servers[name] = await serveInProcess(p, name);
    servers.billing = p.databaseUrl ? await billingProcess(p) : await serveInProcess(p, 'billing');
    gateway = await distributedGateway(p, urlsOf(servers), {
      ...UNLIMITED,
      SUBGRAPH_TIMEOUT_MS: '5000',
      SUBGRAPH_BREAKER_MIN_CALLS: '5',
      SUBGRAPH_BREAKER_RESET_MS: '1000',
    });
    const first = await gateway.gql<Payload>(QUERY, owner.token);
    expect(first.errors).toBeUndefined();
    baseline = first.data!.customers.nodes;
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    for (const server of Object.values(servers)) await server?.stop();
    await p?.close();
  });

  /** Full: exactly the healthy answer. Degraded: the healthy answer with only billing's field null, and only errors naming billing. */
  function kindOf(sample: Sample): 'full' | 'degraded' | 'wrong' {
    if (sample.status !== 200 || !sample.body?.data) return 'wrong';
    const nodes = sample.body.data.customers.nodes;
    const errors: Payload[] = sample.body.errors ?? [];
    if (errors.length === 0) return equal(nodes, baseline) ? 'full' : 'wrong';
    const onlyBilling = errors.every((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE' && e.extensions.subgraph === 'billing');
    const withoutBilling = baseline.map((c) => ({ ...c, subscriptions: null }));
    return onlyBilling && equal(nodes, withoutBilling) ? 'degraded' : 'wrong';
  }

  it('keeps answering every request while billing is down, with only billing’s fields missing, and recovers fully', async () => {
    expect(baseline).toHaveLength(CUSTOMERS);
    expect(baseline.every((c) => c.name && typeof c.healthScore.score === 'number' && c.owner.email && c.subscriptions[0].items[0].price.plan.name === 'Growth')).toBe(true);

    let phase: Phase = 'healthy';
    const samples: Sample[] = [];
    let running = true;
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (running) {
        const started = phase;
        const r = await gateway.gql<Payload>(QUERY, owner.token).catch(() => null);
        samples.push({ status: r?.status ?? 0, body: r ? { data: r.data, errors: r.errors } : null, started, ended: phase });
      }
    });
    const answered = (n: number) => waitFor(async () => samples.length, (count) => count >= n, 60_000);

    await answered(40);
    phase = 'stopping';
    await servers.billing.stop();
    phase = 'down';
    const opened = await waitFor(gateway.ready, (r) => r.body.checks.find((c) => c.name === 'subgraph:billing')?.breaker === 'open', 30_000);
    const countWhenOpen = samples.length;
    await answered(countWhenOpen + 80);
    phase = 'restarting';
    await servers.billing.start();
    const recovered = await waitFor(() => gateway.gql<Payload>(QUERY, owner.token), (r) => !r.errors && equal(r.data?.customers.nodes, baseline), 30_000);
    phase = 'recovered';
    const countWhenRecovered = samples.length;
    await answered(countWhenRecovered + 40);
    running = false;
    await Promise.all(clients);

    // No crash, no request left unanswered or failed as a whole.
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    expect(samples.filter((s) => kindOf(s) === 'wrong').slice(0, 1)).toEqual([]);
    // Healthy before, degraded (billing only) while down, full again after.
    const within = (a: Phase) => samples.filter((s) => s.started === a && s.ended === a);
    expect(within('healthy').length).toBeGreaterThan(0);
    expect(within('healthy').every((s) => kindOf(s) === 'full')).toBe(true);
    expect(within('down').length).toBeGreaterThanOrEqual(80);
    expect(within('down').every((s) => kindOf(s) === 'degraded')).toBe(true);
    expect(within('recovered').length).toBeGreaterThanOrEqual(40);
    expect(within('recovered').every((s) => kindOf(s) === 'full')).toBe(true);
    expect(recovered.errors).toBeUndefined();
    // The breaker opened: it failed fast instead of calling billing for every request.
    const reasons = new Set(within('down').flatMap((s) => s.body!.errors.map((e: Payload) => e.extensions.reason)));
    expect(reasons.has('circuit_open')).toBe(true);
    expect([...reasons].every((r) => r === 'circuit_open' || r === 'unreachable')).toBe(true);

    // /ready said so: degraded (still 200) with billing's breaker open, then ready again.
    expect(opened.status).toBe(200);
    expect(opened.body.status).toBe('degraded');
    expect(opened.body.checks.find((c) => c.name === 'subgraph:billing')).toMatchObject({ ok: false, breaker: 'open' });
    expect(opened.body.checks.filter((c) => c.name !== 'subgraph:billing').every((c) => c.ok)).toBe(true);
    const after = await gateway.ready();
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('ready');
    expect(after.body.checks.find((c) => c.name === 'subgraph:billing')).toMatchObject({ ok: true, breaker: 'closed' });
  }, 180_000);

  it('serves customers without their owners while tenancy (which also holds the tenant’s tier) is down', async () => {
    expect((await gateway.gql<Payload>(QUERY, owner.token)).errors).toBeUndefined(); // the tenant's tier is known to the gateway
    await servers.tenancy.stop();
    try {
      // Past the gateway's 5 s snapshot of the tenant: it carries on with the last one instead of refusing the request.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const r = await gateway.gql<Payload>(QUERY, owner.token);

      expect(r.status).toBe(200);
      expect(r.data?.customers.nodes).toEqual(baseline.map((c) => ({ ...c, owner: null })));
      expect(r.errors?.length).toBeGreaterThan(0);
      expect(r.errors?.every((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE' && e.extensions.subgraph === 'tenancy')).toBe(true);
    } finally {
      await servers.tenancy.start();
    }
    const back = await waitFor(() => gateway.gql<Payload>(QUERY, owner.token), (r) => !r.errors, 30_000);
    expect(back.data?.customers.nodes).toEqual(baseline);
  }, 60_000);

  it('answers without a subgraph slower than its timeout, in the time of the timeout', async () => {
    const slowBilling = await delayingProxy(servers.billing.url, 5_000);
    const impatient = await distributedGateway(p, { ...urlsOf(servers), billing: slowBilling.url }, { ...UNLIMITED, SUBGRAPH_TIMEOUTS_MS: 'billing=300' });
    try {
      const startedAt = Date.now();
      const r = await impatient.gql<Payload>(QUERY, owner.token);
      const tookMs = Date.now() - startedAt;

      expect(r.status).toBe(200);
      expect(r.data?.customers.nodes).toEqual(baseline.map((c) => ({ ...c, subscriptions: null })));
      expect(r.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'billing', reason: 'timeout' })]);
      // The proxy would have answered after 5 s: the gateway stopped waiting long before.
      expect(tookMs).toBeLessThan(5_000);
      const billing = (await impatient.ready()).body.checks.find((c) => c.name === 'subgraph:billing');
      expect(billing?.lastFailure?.reason).toBe('timeout');
    } finally {
      await impatient.close();
      await slowBilling.close();
    }
  });
});

function urlsOf(servers: Record<SubgraphName, SubgraphServer>): Record<SubgraphName, string> {
  return { tenancy: servers.tenancy.url, 'customer-success': servers['customer-success'].url, billing: servers.billing.url, analytics: servers.analytics.url };
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
