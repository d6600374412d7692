/**
 * Churn risk: with little history every estimate is the documented rule-based
 * one (labelled as such); once the tenant has enough churned and retained
 * customers, a logistic regression trained on them takes over, retrained when a
 * customer churns or on request, and each change is recorded as
 * churn_risk.changed@1.
 */
import { parseEventPayload } from '@platform/core/events/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_SAMPLES_PER_CLASS, MIN_TRAINING_SAMPLES, predictChurn } from '../src/domain/index.js';
import { createCustomer, DAY, startCustomerSuccess, type TestSubgraph } from './support.js';

let env: TestSubgraph;

beforeAll(async () => {
  env = await startCustomerSuccess();
});
afterAll(async () => {
  await env?.close();
});

const RISK = `query($id: ID!) {
  customer(id: $id) {
    churnRisk { probability level method isRuleBasedEstimate methodDescription predictedChurnDate contributingFactors { feature value standardisedValue coefficient contribution } }
  }
}`;
const MODEL = `{ churnModel { method methodDescription samples churnedSamples retainedSamples minimumSamples minimumSamplesPerClass intercept coefficients { feature coefficient mean standardDeviation } } }`;
const NPS = `mutation($input: RecordNpsResponseInput!) { recordNpsResponse(input: $input) { __typename } }`;
const CHURN = `mutation($id: ID!) { updateCustomer(id: $id, input: { lifecycleStage: CHURNED }) { __typename ... on Customer { churnedAt } } }`;

describe('with little history', () => {
  it('the estimate is rule-based and labelled so, with its contributing factors', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    expect((await env.ok(t.owner, RISK, { id })).customer.churnRisk).toBeNull();
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 2 } });
    const risk = (await env.ok(t.owner, RISK, { id })).customer.churnRisk;
    // Health 20 (support only), other factors imputed at 50, a new customer (< 180 days), no tickets or failures:
    // log-odds = −2 + 0.06 × (60 − 20) + 0.5 = 0.9 → p = 1 / (1 + e^−0.9) = 0.711.
    expect(risk.probability).toBeCloseTo(1 / (1 + Math.exp(-0.9)), 10);
    expect(risk).toMatchObject({ level: 'HIGH', method: 'RULE_BASED', isRuleBasedEstimate: true, predictedChurnDate: null });
    expect(risk.methodDescription).toMatch(/^Rule-based estimate/);
    expect(risk.contributingFactors.slice(0, 2)).toEqual([
      { feature: 'healthScore', value: 20, standardisedValue: 40, coefficient: 0.06, contribution: expect.closeTo(2.4, 10) },
      { feature: 'tenureDays', value: 0, standardisedValue: 1, coefficient: 0.5, contribution: 0.5 },
    ]);
    const features = { healthScore: 20, usage: 50, engagement: 50, support: 20, financial: 50, tenureDays: 0, openTickets: 0, paymentFailures90d: 0 };
    expect(risk.probability).toBe(predictChurn(null, features, [], env.clock.now).probability);

    const [event] = await env.outbox(t.tenantId, 'churn_risk.changed@1');
    expect(parseEventPayload('churn_risk.changed@1', event!.payload)).toMatchObject({ customerId: id, level: 'HIGH', previousLevel: null, method: 'RULE_BASED' });
    const model = (await env.ok(t.owner, MODEL)).churnModel;
    expect(model).toMatchObject({ method: 'RULE_BASED', samples: 0, intercept: null, coefficients: [], minimumSamples: MIN_TRAINING_SAMPLES, minimumSamplesPerClass: MIN_SAMPLES_PER_CLASS });
  });

  it('records a new estimate only when the level or the probability at two decimals changes', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 8 } });
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 8 } });
    // Same answers, same score, same estimate: one event only.
    expect(await env.outbox(t.tenantId, 'churn_risk.changed@1')).toHaveLength(1);
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 0 } });
    expect(await env.outbox(t.tenantId, 'churn_risk.changed@1')).toHaveLength(2);
  });
});

describe('with enough history', () => {
  it('trains a logistic regression on churned vs retained customers and uses it for every estimate', async () => {
    const t = env.tenant();
    await env.ok(t.owner, `mutation { setPlaybookAutoTrigger(enabled: false) { __typename } }`);
    const unhappy: string[] = [];
    const happy: string[] = [];
    for (let i = 0; i < 22; i++) {
      const a = await createCustomer(env, t.owner, { name: `Unhappy ${i}` });
      await env.ok(t.owner, NPS, { input: { customerId: a, score: i % 4 } });
      unhappy.push(a);
      const b = await createCustomer(env, t.owner, { name: `Happy ${i}` });
      await env.ok(t.owner, NPS, { input: { customerId: b, score: 7 + (i % 4) } });
      happy.push(b);
    }
    // Retained means a customer for 90 days or more.
    env.clock.advance(100 * DAY);

    const churned = unhappy.slice(0, 12);
    for (const [i, id] of churned.entries()) {
      await env.ok(t.owner, CHURN, { id });
      const model = (await env.ok(t.owner, MODEL)).churnModel;
      // The model takes over once there are MIN_SAMPLES_PER_CLASS churned customers.
      expect(model.method).toBe(i + 1 < MIN_SAMPLES_PER_CLASS ? 'RULE_BASED' : 'LOGISTIC_REGRESSION');
      expect(model).toMatchObject({ churnedSamples: i + 1, retainedSamples: 44 - (i + 1) });
    }
    const model = (await env.ok(t.owner, MODEL)).churnModel;
    expect(model).toMatchObject({ method: 'LOGISTIC_REGRESSION', samples: 44, churnedSamples: 12, retainedSamples: 32 });
    expect(model.coefficients.map((c: { feature: string }) => c.feature)).toEqual([
      'healthScore',
      'usage',
      'engagement',
      'support',
      'financial',
      'tenureDays',
      'openTickets',
      'paymentFailures90d',
    ]);
    // Churned customers had low health: the health coefficient lowers the risk as health rises.
    expect(model.coefficients.find((c: { feature: string }) => c.feature === 'healthScore').coefficient).toBeLessThan(0);

    const stillUnhappy = (await env.ok(t.owner, RISK, { id: unhappy[20] })).customer.churnRisk;
    const stillHappy = (await env.ok(t.owner, RISK, { id: happy[20] })).customer.churnRisk;
    expect(stillUnhappy).toMatchObject({ method: 'LOGISTIC_REGRESSION', isRuleBasedEstimate: false });
    expect(stillUnhappy.methodDescription).toMatch(/^Logistic regression/);
    expect(stillUnhappy.probability).toBeGreaterThan(stillHappy.probability);
    const health = stillUnhappy.contributingFactors.find((c: { feature: string }) => c.feature === 'healthScore');
    expect(health.coefficient).toBeCloseTo(model.coefficients[0].coefficient, 10);
    expect(health.contribution).toBeCloseTo(health.coefficient * health.standardisedValue, 10);

    const switched = (await env.outbox(t.tenantId, 'churn_risk.changed@1')).map((e) => parseEventPayload('churn_risk.changed@1', e.payload));
    const methods = switched.filter((e) => e.customerId === happy[20]).map((e) => e.method);
    expect(methods[0]).toBe('RULE_BASED');
    expect(methods.at(-1)).toBe('LOGISTIC_REGRESSION');

    const retrained = await env.ok(t.owner, `mutation { retrainChurnModel { ... on ChurnModel { method samples churnedSamples coefficients { coefficient } } } }`);
    expect(retrained.retrainChurnModel).toMatchObject({ method: 'LOGISTIC_REGRESSION', samples: 44, churnedSamples: 12 });
    expect(retrained.retrainChurnModel.coefficients.map((c: { coefficient: number }) => c.coefficient)).toEqual(
      model.coefficients.map((c: { coefficient: number }) => c.coefficient),
    );

    // A customer brought back from CHURNED leaves the churned class.
    await env.ok(t.owner, `mutation($id: ID!) { updateCustomer(id: $id, input: { lifecycleStage: ACTIVE }) { __typename } }`, { id: churned[0] });
    expect((await env.ok(t.owner, MODEL)).churnModel).toMatchObject({ churnedSamples: 11, retainedSamples: 33 });
  }, 120_000);
});
