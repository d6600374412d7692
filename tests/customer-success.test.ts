/**
 * Customer success end to end through the gateway: customers owned by a
 * tenancy user (federated `owner { email }`), health scores recomputed from
 * events the way analytics and billing will publish them, typed errors that
 * change nothing, and the tenant boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeHealthScore, DEFAULT_HEALTH_WEIGHTS } from '@platform/customer-success/domain/index';
import { ownerWithTenant } from './support/actors.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { publishEvent, publishRawEvent } from './support/producer.js';
import { usageEvent } from './support/customer-success.js';
import { waitFor } from './support/wait.js';

const CUSTOMER = `query Customer($id: ID!) {
  customer(id: $id) { id name owner { id email } healthScore { score band trend cause factors { name score } } }
}`;
const CREATE = `mutation Create($input: CreateCustomerInput!) {
  createCustomer(input: $input) { __typename ... on Customer { id } ... on Error { message } ... on ValidationError { fieldErrors { path message } } }
}`;

describe('customer success through the gateway', () => {
  let p: TestPlatform;
  let owner: Awaited<ReturnType<typeof ownerWithTenant>>;
  let ownerUserId: string;

  beforeAll(async () => {
    p = await startTestPlatform();
    owner = await ownerWithTenant(p);
    const viewer = await p.gql<{ viewer: { user: { id: string } } }>('{ viewer { user { id } } }', {}, owner.token);
    ownerUserId = viewer.data!.viewer.user.id;
  });
  afterAll(() => p?.close());

  async function createCustomer(name: string, token = owner.token) {
    const r = await p.gql<{ createCustomer: { __typename: string; id: string } }>(CREATE, { input: { name, segment: 'MID_MARKET', ownerUserId } }, token);
    expect(r.data?.createCustomer.__typename).toBe('Customer');
    return r.data!.createCustomer.id;
  }

  async function customer(id: string, token = owner.token) {
    return p.gql<{ customer: { name: string; owner: { email: string } | null; healthScore: { score: number; band: string; trend: string; cause: string; factors: { name: string; score: number | null }[] } | null } | null }>(CUSTOMER, { id }, token);
  }

  it('a customer resolves its owner CSM from tenancy, and has no score until an input arrives', async () => {
    const id = await createCustomer('Acme Rockets');
    const r = await customer(id);
    expect(r.errors).toBeUndefined();
    expect(r.data?.customer?.name).toBe('Acme Rockets');
    expect(r.data?.customer?.owner?.email).toBe(owner.email);
    expect(r.data?.customer?.healthScore).toBeNull();
  });

  it('usage published by analytics, then a failed payment from billing, recompute the score from the events', async () => {
    const id = await createCustomer('Globex');
    const usage = usageEvent(id, { monthlyActiveUsers: 40, licensedSeats: 50, featuresUsed: 6 });
    await publishEvent(p.platform.database!, owner.tenantId, 'usage.recorded@1', usage);
    const first = await waitFor(() => customer(id), (r) => r.data?.customer?.healthScore != null);
    const expected = computeHealthScore(
      {
        usage: { ...usage, periodStart: new Date(usage.periodStart), periodEnd: new Date(usage.periodEnd), lastActivityAt: new Date(usage.lastActivityAt!), featuresUsed: usage.featuresUsed.length },
        tickets: [],
        nps: [],
        payments: [],
      },
      DEFAULT_HEALTH_WEIGHTS,
      null,
      new Date(),
    );
    expect(first.data?.customer?.healthScore?.score).toBe(expected.score);
    expect(first.data?.customer?.healthScore?.trend).toBe('NEW');
    expect(first.data?.customer?.healthScore?.cause).toBe('usage.recorded@1');

    await publishEvent(p.platform.database!, owner.tenantId, 'payment.failed@1', {
      customerId: id,
      invoiceId: crypto.randomUUID(),
      paymentId: 'pay_1',
      amountMinor: 10_000,
      currency: 'EUR',
      attempt: 1,
      failureCode: 'card_declined',
      failedAt: new Date().toISOString(),
      nextRetryAt: null,
    });
    const second = await waitFor(() => customer(id), (r) => r.data?.customer?.healthScore?.cause === 'payment.failed@1');
    const financial = second.data!.customer!.healthScore!.factors.find((f) => f.name === 'FINANCIAL' || f.name === 'financial');
    expect(financial?.score).not.toBeNull();
    expect(second.data!.customer!.healthScore!.score).toBeLessThan(expected.score!);
    expect(second.data!.customer!.healthScore!.trend).toBe('DECLINING');
  });

  it('a malformed event and an event for an unknown customer change nothing; a duplicate payment counts once', async () => {
    const id = await createCustomer('Initech');
    const busy = { monthlyActiveUsers: 50, featuresUsed: 10 };
    await publishEvent(p.platform.database!, owner.tenantId, 'usage.recorded@1', usageEvent(id, busy));
    const before = await waitFor(() => customer(id), (r) => r.data?.customer?.healthScore != null);
    await publishRawEvent(p.platform.database!, owner.tenantId, 'usage.recorded@1', id, { customerId: id, dailyActiveUsers: -5 });
    await publishEvent(p.platform.database!, owner.tenantId, 'usage.recorded@1', usageEvent(crypto.randomUUID(), {}));
    const failed = {
      customerId: id,
      invoiceId: crypto.randomUUID(),
      paymentId: 'pay_dup',
      amountMinor: 5_000,
      currency: 'USD',
      attempt: 1,
      failureCode: null,
      failedAt: new Date().toISOString(),
      nextRetryAt: null,
    };
    await publishEvent(p.platform.database!, owner.tenantId, 'payment.failed@1', failed);
    const afterOne = await waitFor(() => customer(id), (r) => r.data?.customer?.healthScore?.cause === 'payment.failed@1');

    await publishEvent(p.platform.database!, owner.tenantId, 'payment.failed@1', failed);
    // A later, different usage proves the duplicate was processed before it (consumers apply in order);
    // had the duplicate counted as a second failure, it would have changed the score once more.
    await publishEvent(p.platform.database!, owner.tenantId, 'usage.recorded@1', usageEvent(id, { monthlyActiveUsers: 30 }, 1));
    const settled = await waitFor(
      () => p.gql<{ customer: { healthHistory: { nodes: { cause: string; score: number }[] } } }>('query($id: ID!) { customer(id: $id) { healthHistory(first: 20) { nodes { cause score } } } }', { id }, owner.token),
      (r) => r.data?.customer.healthHistory.nodes[0]?.cause === 'usage.recorded@1' && r.data.customer.healthHistory.nodes.length === 3,
      10_000,
    );
    const causes = settled.data!.customer.healthHistory.nodes.map((n) => n.cause);
    expect(causes).toEqual(['usage.recorded@1', 'payment.failed@1', 'usage.recorded@1']);
    expect(before.data?.customer?.healthScore?.score).toBeGreaterThan(afterOne.data!.customer!.healthScore!.score);
  });

  it('weights that do not sum to 100, NPS outside 0–10 and unknown ids are typed errors that change nothing', async () => {
    const bad = await p.gql<{ updateHealthWeights: { __typename: string } }>(
      'mutation { updateHealthWeights(weights: { usage: 50, engagement: 25, support: 20, financial: 20 }) { __typename } }',
      {},
      owner.token,
    );
    expect(bad.data?.updateHealthWeights.__typename).toBe('ValidationError');
    const weights = await p.gql<{ healthWeights: Record<string, number> }>('{ healthWeights { usage engagement support financial } }', {}, owner.token);
    expect(weights.data?.healthWeights).toEqual({ usage: 35, engagement: 25, support: 20, financial: 20 });

    const id = await createCustomer('Umbrella');
    const nps = await p.gql<{ recordNpsResponse: { __typename: string } }>(
      'mutation($id: ID!) { recordNpsResponse(input: { customerId: $id, score: 11 }) { __typename } }',
      { id },
      owner.token,
    );
    expect(nps.data?.recordNpsResponse.__typename).toBe('ValidationError');
    const list = await p.gql<{ customer: { npsResponses: { nodes: unknown[] } } }>('query($id: ID!) { customer(id: $id) { npsResponses(first: 10) { nodes { id } } } }', { id }, owner.token);
    expect(list.data?.customer.npsResponses.nodes).toEqual([]);

    const unknown = await p.gql<{ recordSupportTicket: { __typename: string } }>(
      'mutation($id: ID!) { recordSupportTicket(input: { customerId: $id, subject: "Help" }) { __typename } }',
      { id: crypto.randomUUID() },
      owner.token,
    );
    expect(unknown.data?.recordSupportTicket.__typename).toBe('NotFoundError');
  });

  it("another tenant cannot read, change or subscribe-check this tenant's customer", async () => {
    const id = await createCustomer('Secret Corp');
    const other = await ownerWithTenant(p);
    const read = await customer(id, other.token);
    expect(read.data?.customer ?? null).toBeNull();
    expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const update = await p.gql<{ updateCustomer: { __typename: string } }>(
      'mutation($id: ID!) { updateCustomer(id: $id, input: { name: "Pwned" }) { __typename } }',
      { id },
      other.token,
    );
    expect(update.data?.updateCustomer.__typename).toBe('NotFoundError');
    const list = await p.gql<{ customers: { nodes: { id: string }[] } }>('{ customers(first: 100) { nodes { id } } }', {}, other.token);
    expect(list.data?.customers.nodes.map((n) => n.id)).not.toContain(id);
    expect((await customer(id)).data?.customer?.name).toBe('Secret Corp');
  });
});
