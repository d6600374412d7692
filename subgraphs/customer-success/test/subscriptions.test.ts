/**
 * Subscriptions: healthScoreChanged, churnRiskChanged and playbookStepCompleted
 * deliver committed events of the caller's tenant only, filtered by customer,
 * band or playbook; a customer of another tenant (or none) named in the
 * arguments is NOT_FOUND when the subscription starts; permissions are checked
 * at subscribe time; ending the subscription unsubscribes.
 */
import { BUILT_IN_ROLES } from '@platform/core';
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, startCustomerSuccess, type TestSubgraph } from './support.js';

let env: TestSubgraph;

beforeAll(async () => {
  env = await startCustomerSuccess();
});
afterAll(async () => {
  await env?.close();
});

const HEALTH = `subscription($c: ID, $band: HealthBand) {
  healthScoreChanged(customerId: $c, band: $band) {
    customerId score band previousScore previousBand trend cause computedAt
    factors { usage engagement support financial }
    customer { id name }
    healthScore { score riskFactors { code } }
  }
}`;
const NPS = `mutation($input: RecordNpsResponseInput!) { recordNpsResponse(input: $input) { __typename } }`;

/** The next value, or 'timeout' when none arrives in time. */
async function next(iterator: AsyncGenerator<ExecutionResult>, ms = 2000): Promise<ExecutionResult | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const result = await Promise.race([iterator.next().then((r) => r.value as ExecutionResult), timeout]);
  clearTimeout(timer);
  return result;
}

describe('healthScoreChanged', () => {
  it('pushes a customer’s changes with the change, the customer and the full score', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner, { name: 'Watched' });
    const { iterator, error } = await env.subscription(t.owner, HEALTH, { c: id });
    expect(error).toBeNull();
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 9 } });
    await env.publishOutbox(t.tenantId);
    const event = await next(iterator!);
    expect(event).toEqual({
      data: {
        healthScoreChanged: {
          customerId: id,
          score: 90,
          band: 'GREEN',
          previousScore: null,
          previousBand: null,
          trend: 'NEW',
          cause: 'recordNpsResponse',
          computedAt: env.clock.now.toISOString(),
          factors: { usage: null, engagement: null, support: 90, financial: null },
          customer: { id, name: 'Watched' },
          healthScore: { score: 90, riskFactors: [] },
        },
      },
    });
    await iterator!.return(undefined);
  });

  it('with band: only changes into that band; without customerId: every customer of the tenant', async () => {
    const t = env.tenant();
    const a = await createCustomer(env, t.owner);
    const b = await createCustomer(env, t.owner);
    const { iterator } = await env.subscription(t.owner, HEALTH, { band: 'RED' });
    await env.ok(t.owner, NPS, { input: { customerId: a, score: 10 } });
    await env.ok(t.owner, NPS, { input: { customerId: b, score: 1 } });
    await env.publishOutbox(t.tenantId);
    const event = (await next(iterator!)) as ExecutionResult<{ healthScoreChanged: { customerId: string; band: string } }>;
    expect(event.data?.healthScoreChanged).toMatchObject({ customerId: b, band: 'RED' });
    expect(await next(iterator!, 200)).toBe('timeout');
    await iterator!.return(undefined);
  });

  it('never delivers another tenant’s events, even without a customer filter', async () => {
    const a = env.tenant();
    const b = env.tenant();
    const theirs = await createCustomer(env, a.owner);
    const mine = await createCustomer(env, b.owner);
    const { iterator } = await env.subscription(b.owner, HEALTH, {});
    await env.ok(a.owner, NPS, { input: { customerId: theirs, score: 5 } });
    await env.publishOutbox(a.tenantId);
    await env.ok(b.owner, NPS, { input: { customerId: mine, score: 7 } });
    await env.publishOutbox(b.tenantId);
    const event = (await next(iterator!)) as ExecutionResult<{ healthScoreChanged: { customerId: string } }>;
    expect(event.data?.healthScoreChanged.customerId).toBe(mine);
    await iterator!.return(undefined);
  });

  it('naming another tenant’s customer, or an unknown one, is NOT_FOUND at subscribe time', async () => {
    const a = env.tenant();
    const b = env.tenant();
    const theirs = await createCustomer(env, a.owner);
    for (const c of [theirs, crypto.randomUUID(), 'not-an-id']) {
      const { iterator, error } = await env.subscription(b.owner, HEALTH, { c });
      expect(iterator).toBeNull();
      expect(error?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(error?.errors?.[0]?.message).toBe(`Customer ${c} was not found`);
    }
  });

  it('needs data:read: without it the subscription is refused before it starts', async () => {
    const t = env.tenant();
    const before = env.live.listenerCount;
    const { iterator, error } = await env.subscription(t.user(['settings:manage']), HEALTH, {});
    expect(iterator).toBeNull();
    expect(error?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(env.live.listenerCount).toBe(before);
  });

  it('ending the subscription unsubscribes from the live events', async () => {
    const t = env.tenant();
    const before = env.live.listenerCount;
    const { iterator } = await env.subscription(t.owner, HEALTH, {});
    expect(env.live.listenerCount).toBe(before + 1);
    await iterator!.return(undefined);
    expect(env.live.listenerCount).toBe(before);
  });
});

describe('churnRiskChanged and playbookStepCompleted', () => {
  it('push churn estimates and playbook steps of the tenant, filtered by customer and playbook', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const churn = await env.subscription(
      t.owner,
      `subscription($c: ID) { churnRiskChanged(customerId: $c) { customerId level method previousLevel churnRisk { probability } customer { id } } }`,
      { c: id },
    );
    const playbooks = (await env.ok(t.owner, `{ playbooks { id category } }`)).playbooks as { id: string; category: string }[];
    const renewal = playbooks.find((p) => p.category === 'RENEWAL')!;
    const other = playbooks.find((p) => p.category === 'EXPANSION')!;
    const steps = await env.subscription(
      t.owner,
      `subscription($c: ID, $p: ID) { playbookStepCompleted(customerId: $c, playbookId: $p) { runId stepIndex stepTitle runCompleted completedBy { id } run { status } playbook { id } customer { id } } }`,
      { c: id, p: renewal.id },
    );

    await env.ok(t.owner, NPS, { input: { customerId: id, score: 6 } });
    const run = (await env.ok(t.owner, `mutation($p: ID!, $c: ID!) { startPlaybook(playbookId: $p, customerId: $c) { ... on PlaybookRun { id steps { id } } } }`, { p: renewal.id, c: id }))
      .startPlaybook;
    const otherRun = (await env.ok(t.owner, `mutation($p: ID!, $c: ID!) { startPlaybook(playbookId: $p, customerId: $c) { ... on PlaybookRun { id steps { id } } } }`, { p: other.id, c: id }))
      .startPlaybook;
    await env.ok(t.owner, `mutation($id: ID!) { completePlaybookStep(runStepId: $id) { __typename } }`, { id: otherRun.steps[0].id });
    await env.ok(t.owner, `mutation($id: ID!) { completePlaybookStep(runStepId: $id) { __typename } }`, { id: run.steps[0].id });
    await env.publishOutbox(t.tenantId);

    const risk = (await next(churn.iterator!)) as ExecutionResult<{ churnRiskChanged: Record<string, unknown> }>;
    expect(risk.data?.churnRiskChanged).toMatchObject({ customerId: id, method: 'RULE_BASED', previousLevel: null, customer: { id } });
    const step = (await next(steps.iterator!)) as ExecutionResult<{ playbookStepCompleted: Record<string, unknown> }>;
    expect(step.data?.playbookStepCompleted).toEqual({
      runId: run.id,
      stepIndex: 0,
      stepTitle: expect.any(String),
      runCompleted: false,
      completedBy: { id: t.owner.userId },
      run: { status: 'ACTIVE' },
      playbook: { id: renewal.id },
      customer: { id },
    });
    expect(await next(steps.iterator!, 200)).toBe('timeout');
    await churn.iterator!.return(undefined);
    await steps.iterator!.return(undefined);
  });

  it('are refused to a caller without a tenant', async () => {
    const t = env.tenant();
    const { error } = await env.subscription({ ...t.user(BUILT_IN_ROLES.viewer), tenantId: null, userId: null }, `subscription { churnRiskChanged { customerId } }`);
    expect(error?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
