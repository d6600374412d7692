/**
 * Billing end to end through the gateway: a plan, a customer subscribed to it,
 * metered usage, a billing run, the invoice PDF, a signed payment-failed
 * webhook on the billing subgraph's HTTP route, the subscription going
 * PAST_DUE, and the customer's health score dropping, seen live on a real
 * WebSocket together with the subscription and invoice status changes.
 */
import { signWebhookPayload } from '@platform/billing/http/webhook-signature';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithTenant } from './support/actors.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { waitFor } from './support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: test payloads are checked by value, not by type
type Payload = Record<string, any>;
const DAY = 86_400_000;

describe('billing through the gateway', () => {
  let p: TestPlatform;
  let owner: Awaited<ReturnType<typeof ownerWithTenant>>;

  const ok = (query: string, variables: Record<string, unknown> = {}, token = owner.token) => p.ok<Payload>(query, variables, token);
  const live = (query: string, variables: Record<string, unknown>) => p.live<Payload>(query, variables, owner.token);

  async function webhook(tenantId: string, secret: string, event: Payload, at = p.clock.now) {
    const body = JSON.stringify(event);
    return fetch(`${p.url}/billing/webhooks/stripe/${tenantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signWebhookPayload(body, secret, at) },
      body,
    });
  }

  function paymentIntent(type: 'payment_intent.succeeded' | 'payment_intent.payment_failed', invoice: Payload, payment: Payload): Payload {
    return {
      id: `evt_${crypto.randomUUID().replaceAll('-', '')}`,
      object: 'event',
      type,
      created: Math.floor(p.clock.now.getTime() / 1000),
      data: {
        object: {
          id: payment.providerPaymentId,
          object: 'payment_intent',
          amount: invoice.amountDue,
          currency: invoice.currency.toLowerCase(),
          metadata: { invoice_id: invoice.id },
          ...(type === 'payment_intent.payment_failed' ? { last_payment_error: { code: 'card_declined', message: 'Your card was declined.' } } : {}),
        },
      },
    };
  }

  beforeAll(async () => {
    p = await startTestPlatform();
    owner = await ownerWithTenant(p);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('plan → subscription → usage → billing run → PDF → failed payment → PAST_DUE → the health score drops, live', async () => {
    // The catalogue: a flat platform fee and metered API calls.
    await ok('mutation { updateBillingSettings(input: { businessName: "Initech Ltd", taxRateBps: 1000 }) { taxRateBps } }');
    const secret = (await ok('mutation { rotateBillingWebhookSecret }')).rotateBillingWebhookSecret as string;
    const meter = (await ok('mutation { createMeter(eventName: "api_calls", displayName: "API calls", aggregation: SUM) { ... on Meter { id } } }')).createMeter;
    const plan = (await ok('mutation { createPlan(name: "Growth") { id } }')).createPlan;
    const createPrice = `mutation($input: CreatePriceInput!) { createPrice(input: $input) { ... on Price { id } ... on Error { code message } } }`;
    const base = (await ok(createPrice, { input: { planId: plan.id, currency: 'USD', model: 'FLAT', unitAmount: 10_000, interval: 'MONTH' } })).createPrice;
    const calls = (await ok(createPrice, { input: { planId: plan.id, currency: 'USD', model: 'METERED', unitAmount: 2, meterId: meter.id, interval: 'MONTH', nickname: 'API calls' } })).createPrice;
    expect(base.id).toBeTruthy();

    // The customer lives in customer-success; billing learns of it from customer.created@1.
    const customerId = (await ok('mutation { createCustomer(input: { name: "Globex", segment: MID_MARKET }) { ... on Customer { id } } }')).createCustomer.id;
    const subscribe = `mutation($input: CreateSubscriptionInput!) {
      createSubscription(input: $input) { __typename ... on BillingSubscription { id status mrr currentPeriodEnd } ... on Error { code message } } }`;
    const created = await waitFor(
      () => ok(subscribe, { input: { customerId, items: [{ priceId: base.id }, { priceId: calls.id }], idempotencyKey: `sub-${customerId}` } }),
      (d) => d.createSubscription.__typename === 'BillingSubscription',
    );
    const subscription = created.createSubscription;
    expect(subscription).toMatchObject({ status: 'ACTIVE', mrr: 10_000 });

    // The first invoice (the first month in advance) is paid: invoice.paid@1 gives customer-success its first financial evidence.
    const invoiceFields = 'id number status currency total amountDue lines { kind description quantity amount } payments { providerPaymentId attempt status }';
    const first = (await ok(`query($id: ID!) { invoices(subscriptionId: $id) { nodes { ${invoiceFields} } } }`, { id: subscription.id })).invoices.nodes[0];
    expect(first).toMatchObject({ status: 'OPEN', total: 11_000, amountDue: 11_000 }); // 100.00 + 10 % tax
    expect((await webhook(owner.tenantId, secret, paymentIntent('payment_intent.succeeded', first, first.payments[0]))).status).toBe(200);
    const health = `query($id: ID!) { customer(id: $id) { healthScore { score } } }`;
    const before = await waitFor(
      () => ok(health, { id: customerId }),
      (d) => typeof d.customer.healthScore?.score === 'number',
    );

    // Live: the health score, the subscription and the invoices of this customer.
    const scores = live('subscription($id: ID) { healthScoreChanged(customerId: $id) { score previousScore cause } }', { id: customerId });
    const statuses = live('subscription($id: ID) { subscriptionStatusChanged(customerId: $id) { from to reason subscription { id status } } }', { id: customerId });
    const invoiceChanges = live('subscription($id: ID) { invoiceStatusChanged(customerId: $id) { number from to amountDue } }', { id: customerId });
    await new Promise((r) => setTimeout(r, 300));

    // A month of API calls: 1,500 + 2,500 = 4,000 calls at 0.02 = 80.00, and a retried batch that changes nothing.
    const usage = `mutation($events: [UsageEventInput!]!) { recordUsage(events: $events) { ... on UsageIngestResult { accepted duplicates } ... on Error { code message } } }`;
    const events = [
      { meter: 'api_calls', customerId, quantity: 1500, identifier: 'batch-1-a' },
      { meter: 'api_calls', customerId, quantity: 2500, identifier: 'batch-1-b' },
    ];
    expect((await ok(usage, { events })).recordUsage).toEqual({ accepted: 2, duplicates: 0 });
    expect((await ok(usage, { events })).recordUsage).toEqual({ accepted: 0, duplicates: 2 });
    const current = await ok(`query($id: ID!) { subscription(id: $id) { currentUsage { meterEventName quantity amount } } }`, { id: subscription.id });
    expect(current.subscription.currentUsage).toEqual([{ meterEventName: 'api_calls', quantity: 4000, amount: 8000 }]);

    // The period ends; the billing run invoices usage in arrears and next month in advance.
    p.clock.advance(32 * DAY);
    const run = (await ok('mutation { runBilling { ... on BillingRunResult { periodsClosed invoicesCreated } } }')).runBilling;
    expect(run).toEqual({ periodsClosed: 1, invoicesCreated: 1 });
    const cycle = (await ok(`query($id: ID!) { invoices(subscriptionId: $id, status: OPEN) { nodes { ${invoiceFields} subtotal tax pdf { filename contentType base64 } } } }`, { id: subscription.id }))
      .invoices.nodes[0];
    // 80.00 usage + 100.00 next month = 180.00; 10 % tax = 18.00; total 198.00.
    expect(cycle.lines.map((l: Payload) => [l.kind, l.amount])).toEqual([
      ['USAGE', 8000],
      ['SUBSCRIPTION', 10_000],
      ['TAX', 1800],
    ]);
    expect(cycle).toMatchObject({ subtotal: 18_000, tax: 1800, total: 19_800, number: 'INV-000002' });

    // The PDF comes through the gateway as base64.
    expect(cycle.pdf).toMatchObject({ filename: 'INV-000002.pdf', contentType: 'application/pdf' });
    const pdf = Buffer.from(cycle.pdf.base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    expect(text).toContain('INV-000002');
    expect(text).toContain('Globex');
    expect(text).toContain('Initech Ltd');
    expect(text).toContain('$198.00');

    // The provider reports the charge failed: PAST_DUE, a retry scheduled, and payment.failed@1 reaches customer-success.
    const failed = paymentIntent('payment_intent.payment_failed', cycle, cycle.payments[0]);
    const response = await webhook(owner.tenantId, secret, failed);
    expect(response.status).toBe(200);
    const after = await ok(`query($id: ID!) { subscription(id: $id) { status } invoice(id: "${cycle.id}") { status attemptCount nextPaymentAttemptAt } }`, { id: subscription.id });
    expect(after.subscription.status).toBe('PAST_DUE');
    expect(after.invoice).toMatchObject({ status: 'OPEN', attemptCount: 1 });
    expect(new Date(after.invoice.nextPaymentAttemptAt).getTime()).toBe(p.clock.now.getTime() + 3 * DAY);

    // A replay of the same webhook is recognised and changes nothing.
    const replay = await webhook(owner.tenantId, secret, failed);
    expect(await replay.json()).toMatchObject({ received: true, duplicate: true });

    const drop = await waitFor(
      async () => scores,
      (s) => s.some((r) => r.data?.healthScoreChanged.cause === 'payment.failed@1'),
    );
    const change = drop.find((r) => r.data?.healthScoreChanged.cause === 'payment.failed@1')!.data!.healthScoreChanged;
    expect(change.previousScore).toBe(before.customer.healthScore.score);
    expect(change.score).toBeLessThan(change.previousScore);
    expect(drop.filter((r) => r.data?.healthScoreChanged.cause === 'payment.failed@1')).toHaveLength(1);

    await waitFor(
      async () => statuses,
      (s) => s.some((r) => r.data?.subscriptionStatusChanged.to === 'PAST_DUE'),
    );
    expect(statuses.map((r) => r.data?.subscriptionStatusChanged)).toContainEqual({ from: 'ACTIVE', to: 'PAST_DUE', reason: expect.any(String), subscription: { id: subscription.id, status: 'PAST_DUE' } });
    await waitFor(
      async () => invoiceChanges,
      (s) => s.some((r) => r.data?.invoiceStatusChanged.number === 'INV-000002' && r.data.invoiceStatusChanged.to === 'OPEN'),
    );
  });

  it('refuses bad money input with typed errors and changes nothing', async () => {
    const plan = (await ok('mutation { createPlan(name: "Bad input") { id } }')).createPlan;
    const createPrice = `mutation($input: CreatePriceInput!) { createPrice(input: $input) { __typename ... on ValidationError { fieldErrors { path } } } }`;
    for (const [input, path] of [
      [{ unitAmount: -100, currency: 'USD' }, 'unitAmountMinor'],
      [{ unitAmount: 10.5, currency: 'USD' }, 'unitAmountMinor'],
      [{ unitAmount: 100, currency: 'XYZ' }, 'currency'],
    ] as const) {
      const r = await ok(createPrice, { input: { planId: plan.id, model: 'FLAT', interval: 'MONTH', ...input } });
      expect(r.createPrice).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path }] });
    }
    expect((await ok('query($id: ID!) { plan(id: $id) { prices { id } } }', { id: plan.id })).plan.prices).toEqual([]);
  });

  it('refuses a webhook with a bad or stale signature, and another tenant cannot read this tenant’s invoices', async () => {
    const secret = (await ok('mutation { rotateBillingWebhookSecret }')).rotateBillingWebhookSecret as string;
    const event = { id: 'evt_bad', type: 'payment_intent.succeeded', created: 0, data: { object: { id: 'pi_x', amount: 1, currency: 'usd', metadata: {} } } };
    expect((await webhook(owner.tenantId, 'whsec_wrong', event)).status).toBe(400);
    expect((await webhook(owner.tenantId, secret, event, new Date(p.clock.now.getTime() - 301_000))).status).toBe(400);
    const other = await ownerWithTenant(p);
    const theirs = await p.gql<Payload>('{ invoices { nodes { id } } }', {}, other.token);
    expect(theirs.data?.invoices.nodes).toEqual([]);
  });
});
