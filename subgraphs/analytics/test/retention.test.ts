/** `retention` through GraphQL: FIRST_TIME and RECURRING weekly cohorts, customer cohorts with LTV, hand-counted; validation and tenant isolation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsHarness, startAnalytics, type TestTenant } from './support.js';

let h: AnalyticsHarness;
let t: TestTenant;

const RETENTION = `query($input: RetentionInput!) { retention(input: $input) {
  __typename
  ... on Retention {
    period type aggregateBy averageRates
    cohorts { start size values { offset count rate } }
    ltv { currency cohorts { start customers cumulativeRevenuePerCustomer } distribution { customers mean p25 median p75 p90 max buckets { lower upper customers } } }
  }
  ... on ValidationError { fieldErrors { path message } }
} }`;

const C1 = '00000000-0000-4000-8000-0000000000c1';
const C2 = '00000000-0000-4000-8000-0000000000c2';
const C3 = '00000000-0000-4000-8000-0000000000c3';
const C9 = '00000000-0000-4000-8000-0000000000c9';

// Three weekly cohorts ending with the week containing Wednesday 2026-05-27 12:00:
// weeks of Monday 05-11 (k = 0), 05-18 (k = 1), 05-25 (k = 2). Events after `to` are ignored.
const TO = '2026-05-27T12:00:00Z';
// Who did what (customer in brackets):
//   u1 [C1]  signed_up 05-12 (plan pro), 05-26; page_viewed 05-19 (plan pro), 05-26
//   u2 [C1]  signed_up 05-13; page_viewed 05-13 (its own week), 05-27 10:00
//   u3 [—]   signed_up 05-04 (before the window: its first), 05-19
//   u4 [C2]  signed_up 05-20; page_viewed 05-26
//   u5 [C3]  signed_up 05-26; page_viewed 05-27 09:00 (its own week)
//   u6 [—]   signed_up 05-21; page_viewed 05-28 (after `to`)
//   u7 [—]   page_viewed 05-01 (its first), 05-20
beforeAll(async () => {
  h = await startAnalytics();
  t = h.tenant();
  await h.track(t.tenantId, [
    { event: 'signed_up', distinctId: 'u1', customerId: C1, at: '2026-05-12T09:00:00Z', properties: { plan: 'pro' } },
    { event: 'signed_up', distinctId: 'u1', customerId: C1, at: '2026-05-26T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u1', customerId: C1, at: '2026-05-19T09:00:00Z', properties: { plan: 'pro' } },
    { event: 'page_viewed', distinctId: 'u1', customerId: C1, at: '2026-05-26T10:00:00Z' },
    { event: 'signed_up', distinctId: 'u2', customerId: C1, at: '2026-05-13T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u2', customerId: C1, at: '2026-05-13T10:00:00Z' },
    { event: 'page_viewed', distinctId: 'u2', customerId: C1, at: '2026-05-27T10:00:00Z' },
    { event: 'signed_up', distinctId: 'u3', at: '2026-05-04T09:00:00Z' },
    { event: 'signed_up', distinctId: 'u3', at: '2026-05-19T09:00:00Z' },
    { event: 'signed_up', distinctId: 'u4', customerId: C2, at: '2026-05-20T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u4', customerId: C2, at: '2026-05-26T09:00:00Z' },
    { event: 'signed_up', distinctId: 'u5', customerId: C3, at: '2026-05-26T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u5', customerId: C3, at: '2026-05-27T09:00:00Z' },
    { event: 'signed_up', distinctId: 'u6', at: '2026-05-21T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u6', at: '2026-05-28T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u7', at: '2026-05-01T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u7', at: '2026-05-20T09:00:00Z' },
  ]);
  // USD revenue: C1 1,000 before its cohort, 3,000 in week 0, 2,000 in week 1; C2 5,000 in its week 1 (before `to`)
  // and 7,000 after `to`; C1 9,999 EUR; C9 (no events) 50,000.
  await h.invoicePaid(t.tenantId, { customerId: C1, amountMinor: 1000, paidAt: '2026-05-05T00:00:00Z' });
  await h.invoicePaid(t.tenantId, { customerId: C1, amountMinor: 3000, paidAt: '2026-05-12T12:00:00Z' });
  await h.invoicePaid(t.tenantId, { customerId: C1, amountMinor: 2000, paidAt: '2026-05-20T00:00:00Z' });
  await h.invoicePaid(t.tenantId, { customerId: C2, amountMinor: 5000, paidAt: '2026-05-27T11:00:00Z' });
  await h.invoicePaid(t.tenantId, { customerId: C2, amountMinor: 7000, paidAt: '2026-05-28T00:00:00Z' });
  await h.invoicePaid(t.tenantId, { customerId: C1, amountMinor: 9999, currency: 'EUR', paidAt: '2026-05-21T00:00:00Z' });
  await h.invoicePaid(t.tenantId, { customerId: C9, amountMinor: 50_000, paidAt: '2026-05-20T00:00:00Z' });
  // Another tenant with the same users and customers: never counted.
  const other = h.tenant();
  await h.track(other.tenantId, [
    { event: 'signed_up', distinctId: 'u8', customerId: C1, at: '2026-05-12T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u8', customerId: C1, at: '2026-05-19T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u4', customerId: C2, at: '2026-05-19T09:00:00Z' },
  ]);
  await h.invoicePaid(other.tenantId, { customerId: C3, amountMinor: 80_000, paidAt: '2026-05-26T00:00:00Z' });
});
afterAll(async () => {
  await h?.close();
});

async function retention(input: Record<string, unknown>) {
  return (await h.ok(t.owner, RETENTION, { input })).retention;
}
type Cohort = { start: string; size: number; values: { offset: number; count: number; rate: number | null }[] };
const table = (r: { cohorts: Cohort[] }) => r.cohorts.map((c) => [c.start.slice(0, 10), c.size, c.values.map((v) => v.count)]);
const WEEKLY = { startEvent: 'signed_up', returnEvent: 'page_viewed', periods: 3, to: TO };

describe('retention', () => {
  it('puts users in the cohort of their first-ever start event and counts returns per later week (FIRST_TIME)', async () => {
    const r = await retention(WEEKLY);
    expect(r).toMatchObject({ __typename: 'Retention', period: 'WEEK', type: 'FIRST_TIME', aggregateBy: 'USER', ltv: null });
    // 05-11: u1 u2 — week +1: u1 (05-19); week +2: u1 (05-26), u2 (05-27)
    // 05-18: u4 u6 (u3 started 05-04) — week +1: u4 (05-26); u6's 05-28 is after `to`
    // 05-25: u5 — its same-week view is offset 0
    expect(table(r)).toEqual([
      ['2026-05-11', 2, [2, 1, 2]],
      ['2026-05-18', 2, [2, 1]],
      ['2026-05-25', 1, [1]],
    ]);
    expect(r.cohorts[0].values.map((v: { rate: number }) => v.rate)).toEqual([1, 0.5, 1]);
    // offset 1: (1 + 1) ÷ (2 + 2); offset 2: 2 ÷ 2
    expect(r.averageRates).toEqual([1, 0.5, 1]);
  });

  it('puts users in every week they did the start event (RECURRING)', async () => {
    const r = await retention({ ...WEEKLY, type: 'RECURRING' });
    // 05-18 gains u3 (05-19); 05-25 gains u1 (05-26) — whose 05-26 view is in the same week
    expect(table(r)).toEqual([
      ['2026-05-11', 2, [2, 1, 2]],
      ['2026-05-18', 3, [3, 1]],
      ['2026-05-25', 2, [2]],
    ]);
    // offset 1: (1 + 1) ÷ (2 + 3) = 0.4
    expect(r.averageRates).toEqual([1, 0.4, 1]);
  });

  it('returns with the start event itself when no return event is given', async () => {
    const r = await retention({ startEvent: 'page_viewed', periods: 3, to: TO });
    // first views: u2 05-13 (k 0), u1 05-19 (k 1), u4 05-26 and u5 05-27 (k 2); u7 first viewed 05-01
    // u2 views again 05-27 (+2); u1 views again 05-26 (+1)
    expect(table(r)).toEqual([
      ['2026-05-11', 1, [1, 0, 1]],
      ['2026-05-18', 1, [1, 1]],
      ['2026-05-25', 2, [2]],
    ]);
  });

  it('applies property filters to start and return events', async () => {
    const r = await retention({ ...WEEKLY, filters: [{ key: 'plan', operator: 'EQUALS', value: 'pro' }] });
    // only u1's 05-12 sign-up and 05-19 view carry plan = pro
    expect(table(r)).toEqual([
      ['2026-05-11', 1, [1, 1, 0]],
      ['2026-05-18', 0, [0, 0]],
      ['2026-05-25', 0, [0]],
    ]);
    expect(r.cohorts[1].values.map((v: { rate: number | null }) => v.rate)).toEqual([null, null]);
    // offset 2 exists only for the first cohort; offset 1 for the first two (sizes 1 and 0)
    expect(r.averageRates).toEqual([1, 1, 0]);
  });

  it('gives null average rates when every cohort with that offset is empty', async () => {
    const r = await retention({ startEvent: 'never_happened', periods: 2, to: TO });
    expect(table(r)).toEqual([
      ['2026-05-18', 0, [0, 0]],
      ['2026-05-25', 0, [0]],
    ]);
    expect(r.averageRates).toEqual([null, null]);
  });

  it('aggregates by customer and reports cohort LTV from paid invoices', async () => {
    const r = await retention({ ...WEEKLY, aggregateBy: 'CUSTOMER' });
    // C1 first signs up 05-12 (u1), C2 05-20, C3 05-26; u3 and u6 have no customer
    // C1 returns in week +1 (05-19) and +2 (05-26, 05-27); C2 in week +1 (05-26)
    expect(table(r)).toEqual([
      ['2026-05-11', 1, [1, 1, 1]],
      ['2026-05-18', 1, [1, 1]],
      ['2026-05-25', 1, [1]],
    ]);
    expect(r.ltv.currency).toBe('USD');
    // C1: 3,000 in week 0, 2,000 in week 1, nothing in week 2 (the 1,000 before its cohort is not on the curve)
    // C2: nothing in its week 0, 5,000 in week 1; the 7,000 after `to` is ignored
    expect(r.ltv.cohorts.map((c: { customers: number; cumulativeRevenuePerCustomer: number[] }) => [c.customers, c.cumulativeRevenuePerCustomer])).toEqual([
      [1, [3000, 5000, 5000]],
      [1, [0, 5000]],
      [1, [0]],
    ]);
    // lifetimes up to `to`: C1 1,000 + 3,000 + 2,000 = 6,000; C2 5,000; C3 0 → sorted 0, 5,000, 6,000
    const d = r.ltv.distribution;
    expect(d.customers).toBe(3);
    expect(d.mean).toBeCloseTo(11_000 / 3, 9);
    // type-7 positions 2p: p25 → 0.5 → 2,500; median → 1 → 5,000; p75 → 1.5 → 5,500; p90 → 1.8 → 5,800
    expect([d.p25, d.median, d.p75, d.max]).toEqual([2500, 5000, 5500, 6000]);
    expect(d.p90).toBeCloseTo(5800, 9);
    // width 600: 0 in the first bucket, 5,000 in [4,800, 5,400), 6,000 in the last
    expect(d.buckets.map((b: { customers: number }) => b.customers)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(d.buckets[8]).toEqual({ lower: 4800, upper: 5400, customers: 1 });
  });

  it('reads LTV in another currency', async () => {
    const r = await retention({ ...WEEKLY, aggregateBy: 'CUSTOMER', ltvCurrency: 'EUR' });
    // C1's 9,999 EUR is paid 05-21: week 1 of its cohort
    expect(r.ltv.cohorts[0].cumulativeRevenuePerCustomer).toEqual([0, 9999, 9999]);
    expect(r.ltv.distribution.max).toBe(9999);
  });

  it('defaults to weekly cohorts up to the week containing now', async () => {
    // now is Monday 2026-06-01 00:00: the last cohort is that week
    const r = await retention({ startEvent: 'signed_up', periods: 2 });
    expect(r.cohorts.map((c: Cohort) => c.start)).toEqual(['2026-05-25T00:00:00.000Z', '2026-06-01T00:00:00.000Z']);
    expect(r.cohorts[0].size).toBe(1); // u5 (u1's 05-26 sign-up is not its first)
  });

  it('counts days and months', async () => {
    const days = await retention({ ...WEEKLY, period: 'DAY', periods: 3, to: '2026-05-27T12:00:00Z' });
    // 05-25 nobody; 05-26 u5 (first sign-up), returning 05-27 (+1); 05-27 nobody
    expect(table(days)).toEqual([
      ['2026-05-25', 0, [0, 0, 0]],
      ['2026-05-26', 1, [1, 1]],
      ['2026-05-27', 0, [0]],
    ]);
    const months = await retention({ ...WEEKLY, period: 'MONTH', periods: 2 });
    // April: nobody; May: u1 u2 u3 u4 u5 u6 (all first sign-ups in May)
    expect(table(months)).toEqual([
      ['2026-04-01', 0, [0, 0]],
      ['2026-05-01', 6, [6]],
    ]);
  });

  it('refuses bad periods, an empty event and a `to` too far ahead', async () => {
    const bad = await retention({ startEvent: '', periods: 53 });
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.fieldErrors.map((e: { path: string }) => e.path).sort()).toEqual(['input.periods', 'input.startEvent']);
    expect((await retention({ startEvent: 'x', periods: 0 })).fieldErrors[0].path).toBe('input.periods');
    const future = await retention({ startEvent: 'x', to: '2026-06-03T00:00:00Z' });
    expect(future.fieldErrors).toEqual([{ path: 'input.to', message: 'must be at most 1 day after now' }]);
  });
});
