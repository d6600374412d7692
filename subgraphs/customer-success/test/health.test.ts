/**
 * Health scores are recomputed when an input changes — a support ticket, an NPS
 * response, a usage.recorded@1 or payment event consumed from another subgraph —
 * with the values the domain formulas give (checked by hand here), stored as
 * history, pushed to the outbox as health_score.changed@1, and computed with the
 * tenant's weights. Bad events are refused with typed errors and change nothing.
 */
import { NotFoundError, ValidationError } from '@platform/core';
import { parseEventPayload } from '@platform/core/events/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeHealthScore, DEFAULT_HEALTH_WEIGHTS } from '../src/domain/index.js';
import { createCustomer, DAY, startCustomerSuccess, type TestSubgraph, usagePayload } from './support.js';

let env: TestSubgraph;

beforeAll(async () => {
  env = await startCustomerSuccess();
});
afterAll(async () => {
  await env?.close();
});

const HEALTH = `query($id: ID!) {
  customer(id: $id) {
    healthBand
    healthScore { score band trend previousScore cause factors { name score weight effectiveWeight } riskFactors { code severity } recommendations { code playbookCategory } weights { usage engagement support financial } }
    healthHistory { nodes { score cause } }
  }
}`;
const NPS = `mutation($input: RecordNpsResponseInput!) { recordNpsResponse(input: $input) { __typename ... on NpsResponse { id score category } ... on ValidationError { fieldErrors { path message } } ... on Error { code } } }`;
const TICKET = `mutation($input: RecordSupportTicketInput!) { recordSupportTicket(input: $input) { __typename ... on SupportTicket { id status } ... on Error { code } } }`;
const RESOLVE = `mutation($id: ID!) { resolveSupportTicket(id: $id) { __typename ... on SupportTicket { status resolvedAt } ... on Error { code } } }`;
const WEIGHTS = `mutation($w: HealthWeightsInput!) {
  updateHealthWeights(weights: $w) { __typename ... on HealthSettings { isDefault weights { usage engagement support financial } } ... on ValidationError { fieldErrors { path message } } }
}`;

async function health(identity: Parameters<TestSubgraph['ok']>[0], id: string) {
  return (await env.ok(identity, HEALTH, { id })).customer;
}

describe('recomputation from each input', () => {
  it('an NPS response scores the support factor (9/10 → 90) and records health_score.changed@1 with cause recordNpsResponse', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    expect((await health(t.owner, id)).healthScore).toBeNull();
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 9, comment: 'Great support, fast answers' } });
    const h = await health(t.owner, id);
    // Support = recency-weighted NPS answer 9/10 (one answer, today) = 90.0; the other factors have no data
    // and hand their weight over, so the score is the support factor itself.
    expect(h.healthScore).toMatchObject({ score: 90, band: 'GREEN', trend: 'NEW', previousScore: null, cause: 'recordNpsResponse' });
    expect(h.healthScore.factors).toEqual([
      { name: 'usage', score: null, weight: 35, effectiveWeight: 0 },
      { name: 'engagement', score: null, weight: 25, effectiveWeight: 0 },
      { name: 'support', score: 90, weight: 20, effectiveWeight: 100 },
      { name: 'financial', score: null, weight: 20, effectiveWeight: 0 },
    ]);
    const events = await env.outbox(t.tenantId, 'health_score.changed@1');
    expect(events).toHaveLength(1);
    expect(parseEventPayload('health_score.changed@1', events[0]!.payload)).toMatchObject({
      customerId: id,
      score: 90,
      band: 'GREEN',
      previousScore: null,
      previousBand: null,
      trend: 'NEW',
      factors: { usage: null, engagement: null, support: 90, financial: null },
      cause: 'recordNpsResponse',
      computedAt: env.clock.now.toISOString(),
    });
  });

  it('an open HIGH ticket costs 20 points of the ticket component; resolving it restores the score', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const opened = await env.ok(t.owner, TICKET, { input: { customerId: id, subject: 'SSO broken', priority: 'HIGH' } });
    // Tickets only: 100 − 20 × (1 + 0 days / 30) = 80.
    expect((await health(t.owner, id)).healthScore).toMatchObject({ score: 80, band: 'GREEN', cause: 'recordSupportTicket' });
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 9 } });
    // Tickets 0.8 × 0.6 + NPS 0.9 × 0.4 = 0.84.
    expect((await health(t.owner, id)).healthScore).toMatchObject({ score: 84, previousScore: 80, trend: 'IMPROVING', cause: 'recordNpsResponse' });
    expect((await env.ok(t.owner, RESOLVE, { id: opened.recordSupportTicket.id })).resolveSupportTicket.status).toBe('RESOLVED');
    // A resolved ticket costs nothing: 1.0 × 0.6 + 0.9 × 0.4 = 0.96.
    const h = await health(t.owner, id);
    expect(h.healthScore).toMatchObject({ score: 96, cause: 'resolveSupportTicket' });
    expect(h.healthHistory.nodes.map((n: { score: number }) => n.score)).toEqual([96, 84, 80]);
    expect((await env.ok(t.owner, RESOLVE, { id: opened.recordSupportTicket.id })).resolveSupportTicket.__typename).toBe('InvalidStateError');
  });

  it('a usage.recorded@1 event scores usage and engagement: (72 × 35 + 100 × 25) / 60 = 83.7 → 84', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    await env.deliver(t.tenantId, 'usage.recorded@1', usagePayload(id, env.clock.now));
    const h = await health(t.owner, id);
    // Usage: seats 40/50 = 0.8 × 0.6 + features 6/10 = 0.6 × 0.4 = 0.72. Engagement: DAU/MAU 0.5 (target met),
    // 480 sessions / 40 users / 30 days = 12 (target met), active today: 100.
    expect(h.healthScore.factors.map((f: { score: number | null }) => f.score)).toEqual([72, 100, null, null]);
    expect(h.healthScore).toMatchObject({ score: 84, band: 'GREEN', cause: 'usage.recorded@1' });
    const expected = computeHealthScore(
      {
        usage: {
          periodStart: new Date(env.clock.now.getTime() - 30 * DAY),
          periodEnd: env.clock.now,
          dailyActiveUsers: 20,
          weeklyActiveUsers: 30,
          monthlyActiveUsers: 40,
          licensedSeats: 50,
          eventCount: 10_000,
          sessionCount: 480,
          featuresUsed: 6,
          featuresAvailable: 10,
          lastActivityAt: env.clock.now,
        },
        tickets: [],
        nps: [],
        payments: [],
      },
      DEFAULT_HEALTH_WEIGHTS,
      null,
      env.clock.now,
    );
    expect(expected.score).toBe(84);
  });

  it('an older usage snapshot than the stored one changes nothing', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    await env.deliver(t.tenantId, 'usage.recorded@1', usagePayload(id, env.clock.now));
    await env.deliver(t.tenantId, 'usage.recorded@1', usagePayload(id, new Date(env.clock.now.getTime() - 10 * DAY), { monthlyActiveUsers: 5, dailyActiveUsers: 1 }));
    expect((await health(t.owner, id)).healthHistory.nodes).toHaveLength(1);
    expect(await env.outbox(t.tenantId, 'health_score.changed@1')).toHaveLength(1);
  });

  it('a failed payment costs 40 points of the financial factor; invoice.paid on time scores 100; a redelivered failure counts once', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const invoiceId = crypto.randomUUID();
    await env.deliver(t.tenantId, 'invoice.paid@1', {
      customerId: id,
      invoiceId: crypto.randomUUID(),
      amountMinor: 10_000,
      currency: 'EUR',
      paidAt: env.clock.now.toISOString(),
      dueAt: env.clock.now.toISOString(),
    });
    expect((await health(t.owner, id)).healthScore).toMatchObject({ score: 100, cause: 'invoice.paid@1' });
    const failure = {
      customerId: id,
      invoiceId,
      paymentId: 'pi_1',
      amountMinor: 10_000,
      currency: 'EUR',
      attempt: 1,
      failureCode: 'card_declined',
      failedAt: env.clock.now.toISOString(),
      nextRetryAt: null,
    };
    await env.deliver(t.tenantId, 'payment.failed@1', failure);
    // 100 − 40 × 0.5^(0 / 90) = 60.
    expect((await health(t.owner, id)).healthScore).toMatchObject({ score: 60, band: 'YELLOW', cause: 'payment.failed@1' });
    // The same failure again (another event id, same invoice and attempt) is one failure.
    await env.deliver(t.tenantId, 'payment.failed@1', failure);
    expect((await health(t.owner, id)).healthHistory.nodes).toHaveLength(2);
    // A second attempt is a second failure: 100 − 80 = 20.
    await env.deliver(t.tenantId, 'payment.failed@1', { ...failure, attempt: 2 });
    expect((await health(t.owner, id)).healthScore).toMatchObject({ score: 20, band: 'RED' });
  });

  it('a malformed payload is a ValidationError and an unknown or archived customer a NotFoundError; nothing is stored', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    await expect(env.deliver(t.tenantId, 'usage.recorded@1', { ...usagePayload(id, env.clock.now), dailyActiveUsers: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(env.deliver(t.tenantId, 'usage.recorded@1', usagePayload(crypto.randomUUID(), env.clock.now))).rejects.toBeInstanceOf(NotFoundError);
    await env.ok(t.owner, `mutation($id: ID!) { archiveCustomer(id: $id) { __typename } }`, { id });
    await expect(env.deliver(t.tenantId, 'usage.recorded@1', usagePayload(id, env.clock.now))).rejects.toBeInstanceOf(NotFoundError);
    // Another tenant's customer is unknown to the consumer running in this tenant's scope.
    const other = env.tenant();
    const theirs = await createCustomer(env, other.owner);
    await expect(env.deliver(t.tenantId, 'usage.recorded@1', usagePayload(theirs, env.clock.now))).rejects.toBeInstanceOf(NotFoundError);
    expect(await env.outbox(t.tenantId, 'health_score.changed@1')).toEqual([]);
    expect((await health(other.owner, theirs)).healthScore).toBeNull();
  });

  it('the consumer is named customer-success and takes the three input event types', () => {
    const consumer = env.definition.consumers![0]!;
    expect(consumer.name).toBe('customer-success');
    expect([...consumer.types]).toEqual(['usage.recorded@1', 'payment.failed@1', 'invoice.paid@1']);
  });
});

describe('weights', () => {
  it('default to 35/25/20/20', async () => {
    const t = env.tenant();
    const data = await env.ok(t.owner, `{ healthWeights { usage engagement support financial } healthSettings { isDefault autoTriggerPlaybookOnRed } }`);
    expect(data).toEqual({ healthWeights: { usage: 35, engagement: 25, support: 20, financial: 20 }, healthSettings: { isDefault: true, autoTriggerPlaybookOnRed: true } });
  });

  it('weights that do not add up to 100 are a ValidationError and change nothing', async () => {
    const t = env.tenant();
    const data = await env.ok(t.owner, WEIGHTS, { w: { usage: 50, engagement: 30, support: 20, financial: 10 } });
    expect(data.updateHealthWeights).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: 'weights', message: 'must add up to 100 (they add up to 110)' }] });
    const negative = await env.ok(t.owner, WEIGHTS, { w: { usage: 120, engagement: -20, support: 0, financial: 0 } });
    expect(negative.updateHealthWeights.fieldErrors.map((e: { path: string }) => e.path).sort()).toEqual(['weights.engagement', 'weights.usage']);
    expect((await env.ok(t.owner, `{ healthSettings { isDefault } }`)).healthSettings.isDefault).toBe(true);
  });

  it('new weights recompute every active customer in the same transaction', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    await env.deliver(t.tenantId, 'usage.recorded@1', usagePayload(id, env.clock.now));
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 5 } });
    // Usage 72, engagement 100, support 50 with 35/25/20: (2520 + 2500 + 1000) / 80 = 75.25 → 75.
    expect((await health(t.owner, id)).healthScore.score).toBe(75);
    const data = await env.ok(t.owner, WEIGHTS, { w: { usage: 10, engagement: 10, support: 60, financial: 20 } });
    expect(data.updateHealthWeights).toEqual({ __typename: 'HealthSettings', isDefault: false, weights: { usage: 10, engagement: 10, support: 60, financial: 20 } });
    // (720 + 1000 + 3000) / 80 = 59.
    const h = await health(t.owner, id);
    expect(h.healthScore).toMatchObject({ score: 59, band: 'YELLOW', cause: 'updateHealthWeights', weights: { usage: 10, engagement: 10, support: 60, financial: 20 } });
  });

  it('need settings:manage: a member (data:write) is FORBIDDEN', async () => {
    const t = env.tenant();
    const result = await env.gql(t.user(), WEIGHTS, { w: { usage: 25, engagement: 25, support: 25, financial: 25 } });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('NPS input validation', () => {
  it('a score out of 0–10 is a ValidationError and stores no response', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    for (const score of [11, -1]) {
      const data = await env.ok(t.owner, NPS, { input: { customerId: id, score } });
      expect(data.recordNpsResponse).toEqual({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', fieldErrors: [{ path: 'input.score', message: 'must be from 0 to 10' }] });
    }
    const count = await env.ok(t.owner, `query($id: ID!) { customer(id: $id) { npsResponses { nodes { id } } } }`, { id });
    expect(count.customer.npsResponses.nodes).toEqual([]);
  });

  it('a non-integer score is refused by the schema (Int) and by the service, and stores no response', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const result = await env.gql(t.owner, NPS, { input: { customerId: id, score: 7.5 } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const ctx = await env.definition.createContext({ identity: t.owner, requestId: 'r', logger: undefined as never });
    const err = await ctx.services.nps.record(t.owner, { customerId: id, score: 7.5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fieldErrors).toEqual([{ path: 'input.score', message: 'must be a whole number from 0 to 10' }]);
    const count = await env.ok(t.owner, `query($id: ID!) { customer(id: $id) { npsResponses { nodes { id } } } }`, { id });
    expect(count.customer.npsResponses.nodes).toEqual([]);
  });

  it('an unknown customer is a NotFoundError', async () => {
    const t = env.tenant();
    const data = await env.ok(t.owner, NPS, { input: { customerId: crypto.randomUUID(), score: 8 } });
    expect(data.recordNpsResponse).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
  });
});
