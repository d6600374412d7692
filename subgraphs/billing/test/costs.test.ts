/**
 * Platform costs against a monthly budget: each threshold raised once per UTC
 * month (a cost_alerts row and a platform_cost.budget_alert@1 event), bad input
 * refused with typed errors and nothing stored, the run-rate forecast and the
 * month boundaries, by hand-computed values.
 */
import { ValidationError } from '@platform/core';
import { billingTables as b } from '@platform/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordCostInput } from '../src/services/cost.service.js';
import { type BillingHarness, startBilling, type TestTenant } from './support.js';

let env: BillingHarness;

beforeAll(async () => {
  env = await startBilling();
});
afterAll(async () => {
  await env?.close();
});

const ALERT = 'platform_cost.budget_alert@1';

/** Every test sets the clock it needs: 10 of March's 31 days elapsed unless stated. */
function clockAt(iso = '2026-03-11T00:00:00Z') {
  env.clock.now = new Date(iso);
}

function record(t: TestTenant, input: Partial<RecordCostInput> & { amountMinor: number }) {
  return env.services.costs.record(t.owner, { category: 'COMPUTE', currency: 'USD', ...input });
}

async function storedCosts(t: TestTenant) {
  return env.asTenant(t.tenantId, (tx) => tx.select().from(b.platformCosts));
}

async function validationErrorOf(run: () => Promise<unknown>): Promise<ValidationError> {
  const error = await run().then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('budget alerts', () => {
  it('raises 50 %, then 80 % and 100 % together, each once in the month, with one event each', async () => {
    clockAt();
    const t = env.tenant();
    await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 10_000, currency: 'USD' });
    // 4,000 of 10,000 = 40 %: nothing.
    expect((await record(t, { amountMinor: 4_000, incurredAt: new Date('2026-03-02T10:00:00Z') })).raisedAlerts).toEqual([]);
    // 5,000 = 50 % exactly: the 50 % alert.
    const half = await record(t, { category: 'STORAGE', amountMinor: 1_000, incurredAt: new Date('2026-03-05T10:00:00Z') });
    expect(half.raisedAlerts.map((a) => [a.thresholdPct, a.spendMinor])).toEqual([[50, 5_000]]);
    // 10,000 = 100 %: one entry crosses 80 % and 100 %, both raised.
    const full = await record(t, { category: 'API', amountMinor: 5_000, incurredAt: new Date('2026-03-10T10:00:00Z') });
    expect(full.raisedAlerts).toEqual([
      { id: expect.any(String), month: '2026-03', thresholdPct: 80, spendMinor: 10_000, budgetMinor: 10_000, currency: 'USD', raisedAt: env.clock.now },
      { id: expect.any(String), month: '2026-03', thresholdPct: 100, spendMinor: 10_000, budgetMinor: 10_000, currency: 'USD', raisedAt: env.clock.now },
    ]);
    // Still above every threshold: nothing raised again.
    expect((await record(t, { amountMinor: 100 })).raisedAlerts).toEqual([]);
    await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 10_000, currency: 'USD' });

    const rows = await env.asTenant(t.tenantId, (tx) => tx.select().from(b.costAlerts));
    expect(rows.map((r) => [r.month, r.thresholdPct]).sort()).toEqual([
      ['2026-03-01', 100],
      ['2026-03-01', 50],
      ['2026-03-01', 80],
    ]);
    const events = await env.outbox(t.tenantId, ALERT);
    expect(events.map((e) => ({ aggregate: [e.aggregateType, e.aggregateId], payload: e.payload }))).toEqual([
      { aggregate: ['tenant', t.tenantId], payload: { month: '2026-03', thresholdPct: 50, spendMinor: 5_000, budgetMinor: 10_000, currency: 'USD' } },
      { aggregate: ['tenant', t.tenantId], payload: { month: '2026-03', thresholdPct: 80, spendMinor: 10_000, budgetMinor: 10_000, currency: 'USD' } },
      { aggregate: ['tenant', t.tenantId], payload: { month: '2026-03', thresholdPct: 100, spendMinor: 10_000, budgetMinor: 10_000, currency: 'USD' } },
    ]);

    // The summary: 4,000 + 100 COMPUTE, 1,000 STORAGE, 5,000 API = 10,100 = 101 % of the budget.
    // Forecast: 10 of 31 days elapsed, so 10,100 × 31 / 10 = 31,310.
    const summary = await env.services.costs.summary(t.owner, null);
    expect(summary).toMatchObject({
      month: '2026-03',
      currency: 'USD',
      spendMinor: 10_100,
      budgetMinor: 10_000,
      percentUsed: 101,
      forecastMinor: 31_310,
      byCategory: [
        { category: 'API', amountMinor: 5_000 },
        { category: 'COMPUTE', amountMinor: 4_100 },
        { category: 'STORAGE', amountMinor: 1_000 },
      ],
      otherCurrencies: [],
    });
    expect(summary.alerts.map((a) => a.thresholdPct)).toEqual([50, 80, 100]);
  });

  it('raises the thresholds again in a new month', async () => {
    clockAt('2026-03-20T00:00:00Z');
    const t = env.tenant();
    await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 10_000, currency: 'USD', thresholdsPct: [50] });
    expect((await record(t, { amountMinor: 6_000 })).raisedAlerts.map((a) => a.month)).toEqual(['2026-03']);
    clockAt('2026-04-02T00:00:00Z');
    // April starts at 0: 4,000 is 40 %; 6,000 more makes 10,000.
    expect((await record(t, { amountMinor: 4_000 })).raisedAlerts).toEqual([]);
    expect((await record(t, { amountMinor: 6_000 })).raisedAlerts.map((a) => [a.month, a.spendMinor])).toEqual([['2026-04', 10_000]]);
    expect((await env.outbox(t.tenantId, ALERT)).map((e) => (e.payload as { month: string }).month)).toEqual(['2026-03', '2026-04']);
  });

  it('raises, when the budget is set or changed, the current month’s thresholds already passed', async () => {
    clockAt();
    const t = env.tenant();
    await record(t, { amountMinor: 9_000 });
    // 9,000 of 10,000 = 90 %: 50 and 80 are already passed.
    const set = await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 10_000, currency: 'USD' });
    expect(set.budget).toMatchObject({ tenantId: t.tenantId, monthlyAmountMinor: 10_000, currency: 'USD', thresholdsPct: [50, 80, 100] });
    expect(set.raisedAlerts.map((a) => a.thresholdPct)).toEqual([50, 80]);
    // A new 90 % threshold is passed too; 50 and 80 are not raised twice.
    const refined = await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 10_000, currency: 'USD', thresholdsPct: [50, 80, 90, 100] });
    expect(refined.raisedAlerts.map((a) => a.thresholdPct)).toEqual([90]);
    // 9,000 of 20,000 = 45 %: nothing new.
    expect((await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 20_000, currency: 'USD' })).raisedAlerts).toEqual([]);
    expect(await env.outbox(t.tenantId, ALERT)).toHaveLength(3);
  });

  it('raises each threshold exactly when reached, however many costs are recorded at the same time', async () => {
    clockAt();
    const t = env.tenant();
    await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 10_000, currency: 'USD', thresholdsPct: [50, 100] });
    // Ten costs of 1,000 at once. The per-tenant lock makes each see the ones before it, so the
    // fifth reaches exactly 5,000 and the tenth exactly 10,000; without it, two costs committing
    // together could each see 9,000 and the 100 % alert would never be raised.
    const results = await Promise.all(Array.from({ length: 10 }, () => record(t, { amountMinor: 1_000 })));
    const raised = results.flatMap((r) => r.raisedAlerts.map((a) => [a.thresholdPct, a.spendMinor]));
    expect(raised.sort((x, y) => x[0]! - y[0]!)).toEqual([
      [50, 5_000],
      [100, 10_000],
    ]);
    expect(await env.outbox(t.tenantId, ALERT)).toHaveLength(2);
  });

  it('records a cost once per idempotency key', async () => {
    clockAt();
    const t = env.tenant();
    await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 1_000, currency: 'USD', thresholdsPct: [100] });
    const first = await record(t, { amountMinor: 1_500, idempotencyKey: 'cost-42' });
    expect(first.raisedAlerts.map((a) => a.thresholdPct)).toEqual([100]);
    const again = await record(t, { amountMinor: 1_500, idempotencyKey: 'cost-42' });
    expect(again).toEqual({ cost: first.cost, raisedAlerts: [] });
    expect(await storedCosts(t)).toHaveLength(1);
  });
});

describe('bad input', () => {
  it.each([
    ['a fractional amount', { amountMinor: 10.5 }, ['amountMinor']],
    ['a negative amount', { amountMinor: -1 }, ['amountMinor']],
    ['an unknown currency', { amountMinor: 100, currency: 'XYZ' }, ['currency']],
    ['an unknown category', { amountMinor: 100, category: 'LUNCH' }, ['category']],
    ['a date more than 5 minutes ahead', { amountMinor: 100, incurredAt: new Date('2026-03-11T00:05:01Z') }, ['incurredAt']],
    ['a date more than 400 days back', { amountMinor: 100, incurredAt: new Date('2025-02-03T23:59:59Z') }, ['incurredAt']],
    ['several bad fields at once', { amountMinor: 1.5, currency: 'dollars', category: 'LUNCH' }, ['category', 'amountMinor', 'currency']],
  ])('refuses %s and stores nothing', async (_name, input, paths) => {
    clockAt();
    const t = env.tenant();
    const error = await validationErrorOf(() => record(t, input));
    expect(error.fieldErrors.map((f) => f.path)).toEqual(paths);
    expect(await storedCosts(t)).toEqual([]);
  });

  it('accepts the limits: 5 minutes ahead, 400 days back, zero', async () => {
    clockAt();
    const t = env.tenant();
    await record(t, { amountMinor: 0, incurredAt: new Date('2026-03-11T00:05:00Z') });
    // 400 days before March 11th 2026 is February 4th 2025.
    await record(t, { amountMinor: 1, incurredAt: new Date('2025-02-04T00:00:00Z') });
    expect(await storedCosts(t)).toHaveLength(2);
  });

  it('refuses a cost in another currency than the budget’s, with no cost and no alert stored', async () => {
    clockAt();
    const t = env.tenant();
    await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 100, currency: 'USD' });
    const error = await validationErrorOf(() => record(t, { amountMinor: 1_000, currency: 'EUR' }));
    expect(error.fieldErrors).toEqual([{ path: 'currency', message: "must be the budget's currency USD, got EUR" }]);
    expect(await storedCosts(t)).toEqual([]);
    expect(await env.asTenant(t.tenantId, (tx) => tx.select().from(b.costAlerts))).toEqual([]);
    expect(await env.outbox(t.tenantId, ALERT)).toEqual([]);
  });

  it.each([
    ['decreasing thresholds', { thresholdsPct: [80, 50] }, ['thresholdsPct.1']],
    ['a zero threshold', { thresholdsPct: [0, 50] }, ['thresholdsPct.0']],
    ['a threshold above 1000 %', { thresholdsPct: [50, 1001] }, ['thresholdsPct.1']],
    ['a fractional threshold', { thresholdsPct: [50.5] }, ['thresholdsPct.0']],
    ['eleven thresholds', { thresholdsPct: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, ['thresholdsPct']],
    ['a zero budget', { monthlyAmountMinor: 0 }, ['monthlyAmountMinor']],
    ['a fractional budget and an unknown currency', { monthlyAmountMinor: 99.9, currency: 'ABC' }, ['monthlyAmountMinor', 'currency']],
  ])('refuses a budget with %s and stores none', async (_name, input, paths) => {
    clockAt();
    const t = env.tenant();
    const error = await validationErrorOf(() => env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 10_000, currency: 'USD', ...input }));
    expect(error.fieldErrors.map((f) => f.path)).toEqual(paths);
    expect(await env.asTenant(t.tenantId, (tx) => tx.select().from(b.costBudgets))).toEqual([]);
  });

  it('refuses a month that is not YYYY-MM', async () => {
    const t = env.tenant();
    const error = await validationErrorOf(() => env.services.costs.summary(t.owner, '2026-3'));
    expect(error.fieldErrors.map((f) => f.path)).toEqual(['month']);
  });
});

describe('the monthly summary', () => {
  it('splits months at 00:00 UTC and forecasts past months as their actual spend', async () => {
    clockAt();
    const t = env.tenant();
    await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 10_000, currency: 'USD' });
    await record(t, { amountMinor: 1_000, incurredAt: new Date('2026-02-28T23:59:59.999Z') });
    // 00:30 on March 1st in UTC+1 is 23:30 on February 28th in UTC: February.
    await record(t, { category: 'BANDWIDTH', amountMinor: 500, incurredAt: new Date('2026-03-01T00:30:00+01:00') });
    await record(t, { amountMinor: 2_000, incurredAt: new Date('2026-03-01T00:00:00Z') });

    const february = await env.services.costs.summary(t.owner, '2026-02');
    // February is over: the forecast is what was spent, 1,500 = 15 % of 10,000.
    expect(february).toMatchObject({
      month: '2026-02',
      spendMinor: 1_500,
      percentUsed: 15,
      forecastMinor: 1_500,
      byCategory: [
        { category: 'COMPUTE', amountMinor: 1_000 },
        { category: 'BANDWIDTH', amountMinor: 500 },
      ],
      alerts: [],
    });
    // March: 2,000 in 10 of 31 days → 2,000 × 31 / 10 = 6,200.
    expect(await env.services.costs.summary(t.owner, '2026-03')).toMatchObject({ spendMinor: 2_000, percentUsed: 20, forecastMinor: 6_200 });
    // A month without costs.
    expect(await env.services.costs.summary(t.owner, '2026-01')).toMatchObject({ spendMinor: 0, percentUsed: 0, forecastMinor: 0, byCategory: [] });
  });

  it('counts at least one elapsed day in the forecast', async () => {
    clockAt('2026-04-01T06:00:00Z');
    const t = env.tenant();
    await record(t, { amountMinor: 300 });
    // 6 hours into April counts as 1 of 30 days: 300 × 30 = 9,000 (not 300 × 120).
    expect(await env.services.costs.summary(t.owner, null)).toMatchObject({ month: '2026-04', spendMinor: 300, forecastMinor: 9_000, budgetMinor: null, percentUsed: null });
  });

  it('shows costs in other currencies apart from the budget’s', async () => {
    clockAt();
    const t = env.tenant();
    await record(t, { amountMinor: 700, currency: 'EUR' });
    await env.services.costs.setBudget(t.owner, { monthlyAmountMinor: 10_000, currency: 'USD' });
    await record(t, { amountMinor: 2_500 });
    expect(await env.services.costs.summary(t.owner, null)).toMatchObject({
      currency: 'USD',
      spendMinor: 2_500,
      percentUsed: 25,
      otherCurrencies: [{ currency: 'EUR', amountMinor: 700 }],
    });
  });

  it('uses the tenant’s default currency without a budget, and never shows another tenant’s costs', async () => {
    clockAt();
    const t = env.tenant();
    const other = env.tenant();
    await env.services.settings.update(t.owner, { defaultCurrency: 'EUR' });
    await record(t, { amountMinor: 800, currency: 'EUR' });
    await record(other, { amountMinor: 99_000, currency: 'EUR' });
    expect(await env.services.costs.summary(t.owner, null)).toMatchObject({ currency: 'EUR', spendMinor: 800, budget: null });
  });
});

describe('platform costs over GraphQL', () => {
  const RECORD = `mutation($input: RecordPlatformCostInput!) {
    recordPlatformCost(input: $input) {
      __typename
      ... on RecordPlatformCostPayload { cost { category amountMinor currency incurredAt } raisedAlerts { month thresholdPct spendMinor } }
      ... on ValidationError { fieldErrors { path message } }
    }
  }`;
  const BUDGET = `mutation($input: SetPlatformCostBudgetInput!) {
    setPlatformCostBudget(input: $input) { __typename ... on SetPlatformCostBudgetPayload { budget { monthlyAmountMinor currency thresholdsPct } } ... on ValidationError { fieldErrors { path } } }
  }`;
  const SUMMARY = `query($month: String) { platformCosts(month: $month) { month currency spendMinor budgetMinor percentUsed forecastMinor byCategory { category amountMinor } alerts { thresholdPct } } }`;
  const ENTITY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Tenant { id platformCosts { month spendMinor } } } }`;

  it('records costs and sets the budget with settings:manage, returning typed errors', async () => {
    clockAt();
    const t = env.tenant();
    const budget = await env.ok(t.owner, BUDGET, { input: { monthlyAmountMinor: 10_000, currency: 'usd' } });
    expect(budget.setPlatformCostBudget).toEqual({ __typename: 'SetPlatformCostBudgetPayload', budget: { monthlyAmountMinor: 10_000, currency: 'USD', thresholdsPct: [50, 80, 100] } });
    const recorded = await env.ok(t.owner, RECORD, { input: { category: 'THIRD_PARTY', amountMinor: 8_000, currency: 'USD', incurredAt: '2026-03-02T00:00:00Z' } });
    expect(recorded.recordPlatformCost).toEqual({
      __typename: 'RecordPlatformCostPayload',
      cost: { category: 'THIRD_PARTY', amountMinor: 8_000, currency: 'USD', incurredAt: '2026-03-02T00:00:00.000Z' },
      raisedAlerts: [
        { month: '2026-03', thresholdPct: 50, spendMinor: 8_000 },
        { month: '2026-03', thresholdPct: 80, spendMinor: 8_000 },
      ],
    });
    const mismatched = await env.ok(t.owner, RECORD, { input: { category: 'API', amountMinor: 1, currency: 'EUR' } });
    expect(mismatched.recordPlatformCost).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: 'currency', message: "must be the budget's currency USD, got EUR" }] });
    // A fraction passes the MinorAmount scalar and comes back as a typed error naming the field.
    const fraction = await env.ok(t.owner, RECORD, { input: { category: 'API', amountMinor: 1.5, currency: 'USD' } });
    expect(fraction.recordPlatformCost).toEqual({
      __typename: 'ValidationError',
      fieldErrors: [{ path: 'amountMinor', message: 'must be a whole number of minor units (cents), got 1.5' }],
    });
    // 8,000 of 10,000 after 10 of 31 days: forecast 8,000 × 31 / 10 = 24,800.
    const { platformCosts } = await env.ok(t.user(['data:read']), SUMMARY, {});
    expect(platformCosts).toEqual({
      month: '2026-03',
      currency: 'USD',
      spendMinor: 8_000,
      budgetMinor: 10_000,
      percentUsed: 80,
      forecastMinor: 24_800,
      byCategory: [{ category: 'THIRD_PARTY', amountMinor: 8_000 }],
      alerts: [{ thresholdPct: 50 }, { thresholdPct: 80 }],
    });
  });

  it('keeps writes to settings:manage and Tenant.platformCosts to the caller’s own tenant', async () => {
    clockAt();
    const t = env.tenant();
    const other = env.tenant();
    const member = await env.gql(t.user(), RECORD, { input: { category: 'API', amountMinor: 1, currency: 'USD' } });
    expect(member.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await storedCosts(t)).toEqual([]);
    await record(t, { amountMinor: 1_234 });
    const own = await env.ok(t.owner, ENTITY, { reps: [{ __typename: 'Tenant', id: t.tenantId }] });
    expect(own._entities).toEqual([{ id: t.tenantId, platformCosts: { month: '2026-03', spendMinor: 1_234 } }]);
    const foreign = await env.gql(t.owner, ENTITY, { reps: [{ __typename: 'Tenant', id: other.tenantId }] });
    expect(foreign.data?._entities).toEqual([{ id: other.tenantId, platformCosts: null }]);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
