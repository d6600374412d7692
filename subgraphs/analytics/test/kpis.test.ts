/** `kpis` through GraphQL: every KPI of a week against the week before, hand-counted, with revenue from paid invoices, the API-call setting, validation and tenant isolation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KpiKey, utcDaysTouched } from '../src/services/kpi.service.js';
import { type AnalyticsHarness, startAnalytics, type TestTenant } from './support.js';

let h: AnalyticsHarness;
let t: TestTenant;

const KPIS = `query($input: KpiInput!) { kpis(input: $input) {
  __typename
  ... on KpiReport { range { from to } previousRange { from to } currency kpis { key label value previousValue change } }
  ... on ValidationError { fieldErrors { path message } }
} }`;

const C1 = '00000000-0000-4000-8000-000000000001';
const C2 = '00000000-0000-4000-8000-000000000002';
const C3 = '00000000-0000-4000-8000-000000000003';
// The range is the week of Monday 2026-05-11; the previous range the week of 05-04.
// MAU windows: current [04-18, 05-18), previous [04-11, 05-11).
const WEEK = { from: '2026-05-11T00:00:00.000Z', to: '2026-05-18T00:00:00.000Z' };

beforeAll(async () => {
  h = await startAnalytics();
  t = h.tenant();
  await h.track(t.tenantId, [
    { event: 'page_viewed', distinctId: 'u5', at: '2026-04-15T12:00:00Z' }, // previous MAU only
    { event: 'page_viewed', distinctId: 'u6', at: '2026-04-20T12:00:00Z' }, // both MAU windows
    // previous week
    { event: 'page_viewed', distinctId: 'u1', customerId: C1, at: '2026-05-04T10:00:00Z' },
    { event: 'api_call', distinctId: 'u1', customerId: C1, at: '2026-05-05T10:00:00Z' },
    { event: 'page_viewed', distinctId: 'u2', at: '2026-05-05T11:00:00Z' },
    // this week
    { event: 'page_viewed', distinctId: 'u1', customerId: C1, at: '2026-05-11T09:00:00Z' },
    { event: 'page_viewed', distinctId: 'u1', customerId: C1, at: '2026-05-12T09:00:00Z' },
    { event: 'api_call', distinctId: 'u3', customerId: C2, at: '2026-05-12T10:00:00Z' },
    { event: 'api_call', distinctId: 'u3', customerId: C2, at: '2026-05-13T10:00:00Z' },
    { event: 'signed_up', distinctId: 'u4', customerId: C3, at: '2026-05-17T23:59:00Z' },
    // at the range's end: outside
    { event: 'page_viewed', distinctId: 'u7', customerId: C3, at: '2026-05-18T00:00:00Z' },
  ]);
  await h.invoicePaid(t.tenantId, { customerId: C2, amountMinor: 4000, paidAt: '2026-05-06T00:00:00Z' });
  await h.invoicePaid(t.tenantId, { customerId: C1, amountMinor: 10_000, paidAt: '2026-05-12T00:00:00Z' });
  await h.invoicePaid(t.tenantId, { customerId: C2, amountMinor: 5000, paidAt: '2026-05-15T00:00:00Z' });
  await h.invoicePaid(t.tenantId, { customerId: C1, amountMinor: 2500, currency: 'EUR', paidAt: '2026-05-13T00:00:00Z' });
  // Another tenant, same customers and user ids, same days: never counted.
  const other = h.tenant();
  await h.track(other.tenantId, [
    { event: 'api_call', distinctId: 'u9', customerId: C1, at: '2026-05-12T10:00:00Z' },
    { event: 'page_viewed', distinctId: 'u1', customerId: C2, at: '2026-05-05T10:00:00Z' },
  ]);
  await h.invoicePaid(other.tenantId, { customerId: C3, amountMinor: 99_000, paidAt: '2026-05-14T00:00:00Z' });
});
afterAll(async () => {
  await h?.close();
});

async function kpis(input: Record<string, unknown>, tenant = t) {
  return (await h.ok(tenant.owner, KPIS, { input })).kpis;
}
type Row = { key: string; value: number; previousValue: number; change: number | null };
const byKey = (report: { kpis: Row[] }) => Object.fromEntries(report.kpis.map((k) => [k.key, [k.value, k.previousValue, k.change]])) as Record<KpiKey, [number, number, number | null]>;

describe('kpis', () => {
  it('compares every KPI of the range with the range of the same length before it', async () => {
    const report = await kpis({ range: WEEK });
    expect(report.__typename).toBe('KpiReport');
    expect(report.previousRange).toEqual({ from: '2026-05-04T00:00:00.000Z', to: '2026-05-11T00:00:00.000Z' });
    expect(report.currency).toBe('USD');
    const k = byKey(report);
    // active: u1 u3 u4 = 3 against u1 u2 = 2 → +50 %
    expect(k.ACTIVE_USERS).toEqual([3, 2, 0.5]);
    // events: 5 against 3 → +2/3; API calls (api_call): 2 against 1 → +100 %
    expect(k.EVENTS[0]).toBe(5);
    expect(k.EVENTS[1]).toBe(3);
    expect(k.EVENTS[2]).toBeCloseTo(2 / 3, 12);
    expect(k.API_CALLS).toEqual([2, 1, 1]);
    // MAU: [04-18, 05-18) u6 u1 u2 u3 u4 = 5; [04-11, 05-11) u5 u6 u1 u2 = 4 → +25 %
    expect(k.MONTHLY_ACTIVE_USERS).toEqual([5, 4, 0.25]);
    // customers with events: C1 C2 C3 = 3 against C1 = 1 → +200 %
    expect(k.ACTIVE_CUSTOMERS).toEqual([3, 1, 2]);
    // USD paid: 10,000 + 5,000 against 4,000 → +275 %; paying: C1 C2 against C2 → +100 %
    expect(k.REVENUE).toEqual([15_000, 4000, 2.75]);
    expect(k.PAYING_CUSTOMERS).toEqual([2, 1, 1]);
  });

  it('averages daily active users over the days of each range', async () => {
    const [value, previous, change] = byKey(await kpis({ range: WEEK })).AVERAGE_DAU;
    // this week: 05-11 u1, 05-12 u1 u3, 05-13 u3, 05-17 u4 → 5 user-days ÷ 7; before: 05-04 u1, 05-05 u1 u2 → 3 ÷ 7
    expect(value).toBeCloseTo(5 / 7, 12);
    expect(previous).toBeCloseTo(3 / 7, 12);
    // (5/7 − 3/7) ÷ 3/7 = 2/3
    expect(change).toBeCloseTo(2 / 3, 12);
  });

  it('reads revenue in the requested currency, with a null change when the previous value is 0', async () => {
    const k = byKey(await kpis({ range: WEEK, currency: 'eur' }));
    expect(k.REVENUE).toEqual([2500, 0, null]);
    expect(k.PAYING_CUSTOMERS).toEqual([1, 0, null]);
  });

  it('counts the event named by the tenant’s apiCallEvent setting as API calls', async () => {
    const tenant = h.tenant();
    await h.track(tenant.tenantId, [
      { event: 'api_call', distinctId: 'a', at: '2026-05-12T00:00:00Z' },
      { event: 'request', distinctId: 'a', at: '2026-05-12T00:00:00Z' },
      { event: 'request', distinctId: 'a', at: '2026-05-13T00:00:00Z' },
      { event: 'request', distinctId: 'b', at: '2026-05-06T00:00:00Z' },
    ]);
    await h.ok(tenant.owner, 'mutation { updateAnalyticsSettings(input: { apiCallEvent: "request" }) { __typename } }');
    const report = await kpis({ range: WEEK }, tenant);
    expect(byKey(report).API_CALLS).toEqual([2, 1, 1]);
    expect(report.kpis.find((k: { key: string }) => k.key === 'API_CALLS').label).toBe('API calls (request)');
  });

  it('gives zeros and null changes for a tenant without data', async () => {
    const report = await kpis({ range: WEEK }, h.tenant());
    expect(report.kpis.map((k: Row) => [k.value, k.previousValue, k.change])).toEqual(Array(8).fill([0, 0, null]));
  });

  it('refuses a bad currency and a backwards range with field paths', async () => {
    const bad = await kpis({ range: { from: WEEK.to, to: WEEK.from }, currency: 'US' });
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.fieldErrors.map((e: { path: string }) => e.path).sort()).toEqual(['input.currency', 'input.range.to']);
  });
});

describe('utcDaysTouched', () => {
  it('counts partial UTC days at both ends', () => {
    expect(utcDaysTouched({ from: new Date(WEEK.from), to: new Date(WEEK.to) })).toBe(7);
    // 05-11 12:00 to 05-13 00:01 touches the 11th, 12th and 13th
    expect(utcDaysTouched({ from: new Date('2026-05-11T12:00:00Z'), to: new Date('2026-05-13T00:01:00Z') })).toBe(3);
  });
});
