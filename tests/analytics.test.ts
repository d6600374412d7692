/**
 * Analytics end to end through the gateway: product events tracked with
 * `trackEvents` and the SDK batch endpoint become `usage.recorded@1` events
 * that move a customer's usage factor and health score, seen live on a real
 * WebSocket; the batch endpoint's key, per-event rejections and idempotency.
 */
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { memberOf, ownerWithTenant } from './support/actors.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { waitFor } from './support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: test payloads are checked by value, not by type
type Payload = Record<string, any>;
const HOUR = 3_600_000;

describe('analytics through the gateway', () => {
  let p: TestPlatform;
  let owner: Awaited<ReturnType<typeof ownerWithTenant>>;
  const clients: Client[] = [];

  async function ok(query: string, variables: Record<string, unknown> = {}, token = owner.token): Promise<Payload> {
    const r = await p.gql<Payload>(query, variables, token);
    if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
    return r.data!;
  }

  /** Every payload of a live subscription, in an array the test polls. */
  function live(query: string, variables: Record<string, unknown>) {
    const client = createClient({ url: `${p.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization: `Bearer ${owner.token}` } });
    clients.push(client);
    const results: Payload[] = [];
    client.subscribe({ query, variables }, { next: (r) => results.push(r as Payload), error: (e) => results.push({ error: e }), complete: () => {} });
    return results;
  }

  const createCustomer = async (name: string) =>
    (await ok('mutation($name: String!) { createCustomer(input: { name: $name, segment: SMB }) { ... on Customer { id } } }', { name })).createCustomer.id as string;

  const TRACK = 'mutation($events: [TrackEventInput!]!) { trackEvents(events: $events) { accepted duplicates rejected { index path message } } }';

  beforeAll(async () => {
    p = await startTestPlatform();
    owner = await ownerWithTenant(p);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
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
