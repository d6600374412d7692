/**
 * Analytics end to end through the gateway: product events tracked with
 * `trackEvents` and the SDK batch endpoint become `usage.recorded@1` events
 * that move a customer's usage factor and health score, seen live on a real
 * WebSocket; the batch endpoint's key, per-event rejections and idempotency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOf, ownerWithTenant } from './support/actors.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { waitFor } from './support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: test payloads are checked by value, not by type
type Payload = Record<string, any>;
const HOUR = 3_600_000;

describe('analytics through the gateway', () => {
  let p: TestPlatform;
  let owner: Awaited<ReturnType<typeof ownerWithTenant>>;

  const ok = (query: string, variables: Record<string, unknown> = {}, token = owner.token) => p.ok<Payload>(query, variables, token);
  const live = (query: string, variables: Record<string, unknown>) => p.live<Payload>(query, variables, owner.token);

  const createCustomer = async (name: string) =>
    (await ok('mutation($name: String!) { createCustomer(input: { name: $name, segment: SMB }) { ... on Customer { id } } }', { name })).createCustomer.id as string;

  const TRACK = 'mutation($events: [TrackEventInput!]!) { trackEvents(events: $events) { accepted duplicates rejected { index path message } } }';

  beforeAll(async () => {
    p = await startTestPlatform();
    owner = await ownerWithTenant(p);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('tracked events move the customer’s usage factor and health score, live', async () => {
    const globex = await createCustomer('Globex');
    const initech = await createCustomer('Initech');
    const scores = live('subscription($id: ID) { healthScoreChanged(customerId: $id) { score previousScore cause factors { usage engagement } } }', { id: globex });
    await new Promise((r) => setTimeout(r, 300));
    const at = (hoursAgo: number) => new Date(p.clock.now.getTime() - hoursAgo * HOUR).toISOString();

    // The tenant's product has five features in use (across both customers); Globex uses two of them: adoption 2/5 = 40 %.
    const first = await ok(TRACK, {
      events: [
        { id: crypto.randomUUID(), event: 'report_exported', distinctId: 'g-ann', customerId: globex, sessionId: 'g1', timestamp: at(2) },
        { id: crypto.randomUUID(), event: 'dashboard_viewed', distinctId: 'g-bob', customerId: globex, sessionId: 'g2', timestamp: at(30) },
        { id: crypto.randomUUID(), event: '$pageview', distinctId: 'g-bob', customerId: globex, sessionId: 'g2', timestamp: at(30) },
        { id: crypto.randomUUID(), event: 'alert_configured', distinctId: 'i-cy', customerId: initech, timestamp: at(5) },
        { id: crypto.randomUUID(), event: 'export_scheduled', distinctId: 'i-cy', customerId: initech, timestamp: at(5) },
        { id: crypto.randomUUID(), event: 'invite_sent', distinctId: 'i-cy', customerId: initech, timestamp: at(5) },
      ],
    });
    expect(first.trackEvents).toEqual({ accepted: 6, duplicates: 0, rejected: [] });
    const adoption40 = await waitFor(
      async () => scores,
      (s) => s.some((r) => r.data?.healthScoreChanged.factors.usage === 40),
    );
    const before = adoption40.find((r) => r.data?.healthScoreChanged.factors.usage === 40)!.data!.healthScoreChanged;
    expect(before.cause).toBe('usage.recorded@1');
    expect(before.factors.engagement).not.toBeNull();

    // Globex adopts two more features: 4/5 = 80 %, and the score rises with it.
    await ok(TRACK, {
      events: [
        { id: crypto.randomUUID(), event: 'alert_configured', distinctId: 'g-ann', customerId: globex, timestamp: at(1) },
        { id: crypto.randomUUID(), event: 'export_scheduled', distinctId: 'g-ann', customerId: globex, timestamp: at(1) },
      ],
    });
    const adoption80 = await waitFor(
      async () => scores,
      (s) => s.some((r) => r.data?.healthScoreChanged.factors.usage === 80),
    );
    const after = adoption80.find((r) => r.data?.healthScoreChanged.factors.usage === 80)!.data!.healthScoreChanged;
    expect(after.previousScore).toBe(before.score);
    expect(after.score).toBeGreaterThan(before.score);
    const health = await ok('query($id: ID!) { customer(id: $id) { healthScore { score factors { name score explanation } } } }', { id: globex });
    const usage = health.customer.healthScore.factors.find((f: Payload) => f.name === 'usage');
    expect(usage).toMatchObject({ score: 80, explanation: expect.stringContaining('4 of 5 features') });
  });

  it('the SDK batch endpoint takes the ingestion key, stores the valid events, reports the malformed ones by index and ignores resent ids', async () => {
    const batch = (key: string | null, body: unknown) =>
      fetch(`${p.url}/analytics/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify(body),
      });
    const key = (await ok('mutation { rotateIngestKey { ... on IngestKey { key settings { ingestKeyPrefix } } } }')).rotateIngestKey;
    expect(key.key.startsWith(key.settings.ingestKeyPrefix)).toBe(true);

    const events = [
      { id: crypto.randomUUID(), event: 'signed_up', distinctId: 'sdk-1', timestamp: p.clock.now.toISOString(), properties: { plan: 'pro' } },
      { id: crypto.randomUUID(), event: 'signed_up' },
      { id: crypto.randomUUID(), event: 'checkout', distinctId: 'sdk-1', timestamp: new Date(p.clock.now.getTime() + HOUR).toISOString() },
      { id: crypto.randomUUID(), event: 'checkout', distinctId: 'sdk-1' },
    ];
    const res = await batch(key.key, { batch: events });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        { index: 1, path: 'distinctId', message: expect.any(String) },
        { index: 2, path: 'timestamp', message: expect.stringContaining('future') },
      ],
    });
    const again = await (await batch(key.key, { batch: [events[0], events[3]] })).json();
    expect(again).toEqual({ accepted: 0, duplicates: 2, rejected: [] });

    expect((await batch(null, { batch: events })).status).toBe(401);
    expect((await batch('ik_not-a-real-key', { batch: events })).status).toBe(401);
    expect((await batch(key.key, { events })).status).toBe(400);
    // A rotated key stops working at once.
    await ok('mutation { rotateIngestKey { ... on IngestKey { key } } }');
    expect((await batch(key.key, { batch: [events[0]] })).status).toBe(401);
  });

  it('a member without data:write cannot track, and another tenant’s key writes only to that tenant', async () => {
    const other = await ownerWithTenant(p);
    const otherKey = (await ok('mutation { rotateIngestKey { ... on IngestKey { key } } }', {}, other.token)).rotateIngestKey.key as string;
    const res = await fetch(`${p.url}/analytics/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${otherKey}` },
      body: JSON.stringify({ batch: [{ id: crypto.randomUUID(), event: 'only_other_tenant', distinctId: 'x' }] }),
    });
    expect(((await res.json()) as Payload).accepted).toBe(1);
    const settings = await ok('query { analyticsSettings { ingestKeyPrefix } }');
    expect(otherKey.startsWith(settings.analyticsSettings.ingestKeyPrefix)).toBe(false);

    const viewer = await memberOf(p, owner.token, 'viewer');
    const refused = await p.gql<Payload>(TRACK, { events: [{ event: 'x', distinctId: 'v' }] }, viewer.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rotate = await p.gql<Payload>('mutation { rotateIngestKey { ... on IngestKey { key } } }', {}, viewer.token);
    expect(rotate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('analytics queries through the gateway', () => {
  let p: TestPlatform;
  let owner: Awaited<ReturnType<typeof ownerWithTenant>>;

  const ok = (query: string, variables: Record<string, unknown> = {}) => p.ok<Payload>(query, variables, owner.token);

  beforeAll(async () => {
    p = await startTestPlatform();
    owner = await ownerWithTenant(p);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('a paid invoice in billing becomes revenue in the KPIs (through invoice.paid@1, not billing’s tables)', async () => {
    const customerId = (await ok('mutation { createCustomer(input: { name: "Umbrella", segment: SMB }) { ... on Customer { id } } }')).createCustomer.id;
    const plan = (await ok('mutation { createPlan(name: "Team") { id } }')).createPlan;
    const price = (await ok(`mutation($input: CreatePriceInput!) { createPrice(input: $input) { ... on Price { id } } }`, { input: { planId: plan.id, currency: 'USD', model: 'FLAT', unitAmount: 4_900, interval: 'MONTH' } })).createPrice;
    const subscribe = `mutation($input: CreateSubscriptionInput!) { createSubscription(input: $input) { __typename ... on BillingSubscription { id } } }`;
    const created = await waitFor(
      () => ok(subscribe, { input: { customerId, items: [{ priceId: price.id }], idempotencyKey: `sub-${customerId}` } }),
      (d) => d.createSubscription.__typename === 'BillingSubscription',
    );
    const invoice = (await ok(`query($id: ID!) { invoices(subscriptionId: $id) { nodes { id total } } }`, { id: created.createSubscription.id })).invoices.nodes[0];
    await ok(`mutation($id: ID!) { payInvoiceOutOfBand(id: $id) { __typename } }`, { id: invoice.id });

    const range = { from: new Date(p.clock.now.getTime() - 86_400_000).toISOString(), to: new Date(p.clock.now.getTime() + 60_000).toISOString() };
    const kpis = `query($input: KpiInput!) { kpis(input: $input) { ... on KpiReport { kpis { key value } } } }`;
    const report = await waitFor(
      () => ok(kpis, { input: { range, currency: 'USD' } }),
      (d) => d.kpis.kpis.find((k: Payload) => k.key === 'REVENUE')?.value > 0,
    );
    const byKey = Object.fromEntries(report.kpis.kpis.map((k: Payload) => [k.key, k.value]));
    expect(byKey.REVENUE).toBe(invoice.total);
    expect(byKey.PAYING_CUSTOMERS).toBe(1);
  });

  it('funnels, retention, trends, attribution, experiments, anomalies and dashboards answer through the gateway', async () => {
    const now = p.clock.now.getTime();
    const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
    const today = Math.floor(now / 86_400_000) * 86_400_000;
    const TRACK = 'mutation($events: [TrackEventInput!]!) { trackEvents(events: $events) { accepted } }';
    await ok(TRACK, {
      events: [
        { id: crypto.randomUUID(), event: 'visit', distinctId: 'a', timestamp: at(3), properties: { utm_source: 'ads' } },
        { id: crypto.randomUUID(), event: 'signed_up', distinctId: 'a', timestamp: at(2.9) },
        { id: crypto.randomUUID(), event: 'visit', distinctId: 'b', timestamp: at(3), properties: { utm_source: 'blog' } },
        { id: crypto.randomUUID(), event: 'signed_up', distinctId: 'b', timestamp: at(0.5) },
        { id: crypto.randomUUID(), event: 'visit', distinctId: 'c', timestamp: at(2) },
      ],
    });
    const range = { from: at(7), to: new Date(now + 60_000).toISOString() };

    const funnel = await ok(`query($input: FunnelInput!) { funnel(input: $input) { __typename ... on Funnel { steps { count } } } }`, {
      input: { steps: [{ event: 'visit' }, { event: 'signed_up' }], range },
    });
    expect(funnel.funnel.steps.map((s: Payload) => s.count)).toEqual([3, 2]);

    const trend = await ok(`query($input: TrendInput!) { trend(input: $input) { ... on Trend { series { total } } } }`, {
      input: { series: [{ event: 'visit', math: 'UNIQUE_USERS' }], interval: 'DAY', range },
    });
    expect(trend.trend.series[0].total).toBe(3);

    const retention = await ok(`query($input: RetentionInput!) { retention(input: $input) { __typename ... on Retention { cohorts { size } } } }`, {
      input: { startEvent: 'visit', period: 'DAY', periods: 7 },
    });
    expect(retention.retention.cohorts.reduce((sum: number, c: Payload) => sum + c.size, 0)).toBe(3);

    const attribution = await ok(
      `query($input: AttributionInput!) { attribution(input: $input) { ... on Attribution { conversions models { model channels { channel credit } } } } }`,
      { input: { conversionEvent: 'signed_up', range, models: ['LAST_TOUCH'] } },
    );
    expect(attribution.attribution.conversions).toBe(2);
    expect(attribution.attribution.models[0].channels.map((c: Payload) => [c.channel, c.credit]).sort()).toEqual([
      ['ads', 1],
      ['blog', 1],
    ]);

    const anomalies = await ok(`query($input: AnomalyInput!) { anomalies(input: $input) { __typename ... on AnomalyReport { points { value } } } }`, {
      input: { event: 'visit', range: { from: new Date(today - 7 * 86_400_000).toISOString(), to: new Date(today).toISOString() } },
    });
    // Seven whole UTC days; the three visits 2 and 3 days ago are on two of them.
    expect(anomalies.anomalies.points).toHaveLength(7);
    expect(anomalies.anomalies.points.reduce((sum: number, point: Payload) => sum + point.value, 0)).toBe(3);

    const experiment = await ok(
      `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { __typename ... on Experiment { id status } } }`,
      { input: { key: 'cta-colour', name: 'CTA colour', exposureEvent: 'visit', conversionEvent: 'signed_up', variants: [{ key: 'control', weight: 50 }, { key: 'green', weight: 50 }] } },
    );
    expect(experiment.createExperiment).toMatchObject({ __typename: 'Experiment', status: 'DRAFT' });
    const assignment = await ok(`{ experimentAssignment(experimentKey: "cta-colour", distinctId: "a") { __typename ... on ExperimentAssignment { variant } } }`);
    expect(['control', 'green']).toContain(assignment.experimentAssignment.variant);

    const dashboard = (await ok('mutation { createDashboard(input: { name: "Acquisition" }) { ... on Dashboard { id } } }')).createDashboard;
    await ok(`mutation($id: ID!, $input: AddDashboardWidgetInput!) { addDashboardWidget(dashboardId: $id, input: $input) { __typename } }`, {
      id: dashboard.id,
      input: { title: 'Visit → sign-up', kind: 'FUNNEL', query: { steps: [{ event: 'visit' }, { event: 'signed_up' }], range }, rangeDays: 7 },
    });
    const read = await ok(`query($id: ID!) { dashboard(id: $id) { widgets { csv result { __typename ... on Funnel { steps { count } } } } } }`, { id: dashboard.id });
    expect(read.dashboard.widgets[0].result).toEqual({ __typename: 'Funnel', steps: [{ count: 3 }, { count: 2 }] });
    expect(read.dashboard.widgets[0].csv).toContain('\r\n');
  });
});
