/**
 * Live subscriptions end to end: a real WebSocket (graphql-ws) and a real SSE
 * stream (graphql-sse) through the gateway. A score recomputed from a published
 * usage event arrives with `customer.owner.email` resolved from tenancy; other
 * tenants never see it; bad tokens and foreign customers are refused.
 */
import { createClient as createSseClient } from 'graphql-sse';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithTenant } from './support/actors.js';
import { usageEvent } from './support/customer-success.js';
import { waitFor } from './support/wait.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { publishEvent } from './support/producer.js';

const HEALTH = `subscription Health($customerId: ID, $band: HealthBand) {
  healthScoreChanged(customerId: $customerId, band: $band) { customerId score band trend cause customer { name owner { email } } }
}`;

// biome-ignore lint/suspicious/noExplicitAny: test payloads are checked by value, not by type
type Payload = Record<string, any>;

interface Received {
  data?: Payload | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Subscribes and collects every result (and the terminal error) in arrays the test polls. */
function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const results: Received[] = [];
  const failures: unknown[] = [];
  const stop = client.subscribe(
    { query, variables },
    { next: (r) => results.push(r as Received), error: (e) => failures.push(e), complete: () => {} },
  );
  return { results, failures, stop };
}

/** The code of the first error, whether it came as a result with errors or as the subscription's terminal error. */
function firstErrorCode(sub: { results: Received[]; failures: unknown[] }): unknown {
  const errors = sub.results[0]?.errors ?? (sub.failures[0] as Received['errors']);
  return errors?.[0]?.extensions?.code;
}

describe('subscriptions through the gateway', () => {
  let p: TestPlatform;
  let owner: Awaited<ReturnType<typeof ownerWithTenant>>;
  let ownerUserId: string;
  const wsClient = (token: string | null) => p.wsClient(token);

  async function createCustomer(name: string) {
    const r = await p.gql<{ createCustomer: { id: string } }>(
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ... on Customer { id } } }',
      { input: { name, segment: 'ENTERPRISE', ownerUserId } },
      owner.token,
    );
    return r.data!.createCustomer.id;
  }

  beforeAll(async () => {
    p = await startTestPlatform();
    owner = await ownerWithTenant(p);
    ownerUserId = (await p.gql<{ viewer: { user: { id: string } } }>('{ viewer { user { id } } }', {}, owner.token)).data!.viewer.user.id;
  });
  afterAll(async () => {
    await p?.close();
  });

  it('a WebSocket subscriber receives the recomputed score with its owner email from tenancy; another tenant receives nothing', async () => {
    const id = await createCustomer('Wonka Industries');
    const mine = collect(wsClient(owner.token), HEALTH, { customerId: id });
    const wholeTenant = collect(wsClient(owner.token), HEALTH, {});
    const other = await ownerWithTenant(p);
    const theirs = collect(wsClient(other.token), HEALTH, {});
    await new Promise((r) => setTimeout(r, 300)); // let the server register the subscriptions

    await publishEvent(p.platform.database!, owner.tenantId, 'usage.recorded@1', usageEvent(id, { monthlyActiveUsers: 45, featuresUsed: 8 }));
    await waitFor(async () => mine.results.length + wholeTenant.results.length, (n) => n >= 2);
    expect(mine.failures).toEqual([]);
    const event = mine.results[0]!.data!.healthScoreChanged;
    const stored = await p.gql<{ customer: { healthScore: { score: number; band: string } } }>('query($id: ID!) { customer(id: $id) { healthScore { score band } } }', { id }, owner.token);
    expect(event).toEqual({
      customerId: id,
      score: stored.data!.customer.healthScore.score,
      band: stored.data!.customer.healthScore.band,
      trend: 'NEW',
      cause: 'usage.recorded@1',
      customer: { name: 'Wonka Industries', owner: { email: owner.email } },
    });
    expect(wholeTenant.results[0]!.data!.healthScoreChanged.customerId).toBe(id);
    await new Promise((r) => setTimeout(r, 300));
    expect(theirs.results).toEqual([]);
  });

  it('the band filter passes only changes into that band', async () => {
    const id = await createCustomer('Tyrell');
    const red = collect(wsClient(owner.token), HEALTH, { band: 'RED' });
    const any = collect(wsClient(owner.token), HEALTH, { customerId: id });
    await new Promise((r) => setTimeout(r, 300));
    await publishEvent(p.platform.database!, owner.tenantId, 'usage.recorded@1', usageEvent(id, { monthlyActiveUsers: 50, featuresUsed: 10 }));
    await publishEvent(p.platform.database!, owner.tenantId, 'usage.recorded@1', usageEvent(id, { monthlyActiveUsers: 1, featuresUsed: 0 }, 1));
    await waitFor(async () => any.results.length, (n) => n >= 2);
    const bands = any.results.map((r) => r.data!.healthScoreChanged.band);
    expect(bands).toContain('RED');
    await waitFor(async () => red.results.length, (n) => n >= 1, 3_000);
    expect(red.results.map((r) => r.data!.healthScoreChanged.band)).toEqual(bands.filter((b) => b === 'RED'));
  });

  it('a playbook step completed by a member arrives on playbookStepCompleted with the completing user', async () => {
    const id = await createCustomer('Cyberdyne');
    const playbooks = await p.gql<{ playbooks: { id: string; category: string }[] }>('{ playbooks { id category } }', {}, owner.token);
    const renewal = playbooks.data!.playbooks.find((pb) => pb.category === 'RENEWAL')!;
    const steps = collect(wsClient(owner.token), 'subscription($c: ID) { playbookStepCompleted(customerId: $c) { stepIndex stepTitle runCompleted completedBy { email } customer { name } } }', { c: id });
    await new Promise((r) => setTimeout(r, 300));
    const run = await p.gql<{ startPlaybook: { steps: { id: string; title: string }[] } }>(
      'mutation($pb: ID!, $c: ID!) { startPlaybook(playbookId: $pb, customerId: $c) { ... on PlaybookRun { steps { id title } } } }',
      { pb: renewal.id, c: id },
      owner.token,
    );
    const first = run.data!.startPlaybook.steps[0]!;
    await p.gql('mutation($s: ID!) { completePlaybookStep(runStepId: $s) { __typename } }', { s: first.id }, owner.token);
    await waitFor(async () => steps.results.length, (n) => n >= 1);
    expect(steps.results[0]!.data!.playbookStepCompleted).toEqual({ stepIndex: 0, stepTitle: first.title, runCompleted: false, completedBy: { email: owner.email }, customer: { name: 'Cyberdyne' } });
  });

  it('refuses a subscription without a token, a connection with a bad token, and another tenant’s customer', async () => {
    const anonymous = collect(wsClient(null), HEALTH, {});
    await waitFor(async () => anonymous.results.length + anonymous.failures.length, (n) => n >= 1, 5_000);
    expect(firstErrorCode(anonymous)).toBe('UNAUTHENTICATED');

    const closed = new Promise<number>((resolve) => {
      p.wsClient('not-a-token', { on: { closed: (e) => resolve((e as { code: number }).code) } });
    });
    expect(await closed).toBe(4403);

    const id = await createCustomer('Private Account');
    const other = await ownerWithTenant(p);
    const foreign = collect(wsClient(other.token), HEALTH, { customerId: id });
    await waitFor(async () => foreign.results.length + foreign.failures.length, (n) => n >= 1, 5_000);
    expect(firstErrorCode(foreign)).toBe('NOT_FOUND');
  });

  it('serves the same subscription over Server-Sent Events', async () => {
    const id = await createCustomer('Soylent');
    const sse = createSseClient({ url: `${p.url}/graphql/stream`, headers: { authorization: `Bearer ${owner.token}` }, retryAttempts: 0 });
    const received: Received[] = [];
    const stop = sse.subscribe({ query: HEALTH, variables: { customerId: id } }, { next: (r) => received.push(r as Received), error: () => {}, complete: () => {} });
    await new Promise((r) => setTimeout(r, 500));
    await publishEvent(p.platform.database!, owner.tenantId, 'usage.recorded@1', usageEvent(id, {}));
    await waitFor(async () => received.length, (n) => n >= 1);
    expect(received[0]!.data!.healthScoreChanged).toMatchObject({ customerId: id, customer: { name: 'Soylent', owner: { email: owner.email } } });
    stop();
    sse.dispose();
  });
});
