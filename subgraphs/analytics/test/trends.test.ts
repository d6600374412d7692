/** `trend` through GraphQL: zero-filled UTC buckets, each math against hand-counted events, filters, validation and tenant isolation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsHarness, startAnalytics, type TestTenant } from './support.js';

let h: AnalyticsHarness;
let t: TestTenant;

const TREND = `query($input: TrendInput!) { trend(input: $input) {
  __typename
  ... on Trend { interval range { from to } series { label event math total points { bucket value } } }
  ... on ValidationError { fieldErrors { path message } }
} }`;

// The week of Monday 2026-05-04, in UTC. Users and what they did:
//   u6  page_viewed 04-20            (older than any rolling window below)
//   u5  page_viewed 05-03 23:59      (before the range; inside the 7-day windows ending 05-04 … 05-09)
//   u1  page_viewed 05-04 10:00 (plan pro), 05-04 11:00, 05-06 09:00; signed_up 05-10 23:00
//   u2  page_viewed 05-04 12:00; signed_up 05-05 08:00
//   u3  signed_up 05-06 23:59:59
//   u4  page_viewed 05-11 00:00      (at `to`: excluded)
const WEEK = { from: '2026-05-04T00:00:00.000Z', to: '2026-05-11T00:00:00.000Z' };

beforeAll(async () => {
  h = await startAnalytics();
  t = h.tenant();
  await h.track(t.tenantId, [
    { event: 'page_viewed', distinctId: 'u6', at: '2026-04-20T12:00:00Z' },
    { event: 'page_viewed', distinctId: 'u5', at: '2026-05-03T23:59:00Z' },
    { event: 'page_viewed', distinctId: 'u1', at: '2026-05-04T10:00:00Z', properties: { plan: 'pro' } },
    { event: 'page_viewed', distinctId: 'u1', at: '2026-05-04T11:00:00Z', properties: { plan: 'free' } },
    { event: 'page_viewed', distinctId: 'u2', at: '2026-05-04T12:00:00Z' },
    { event: 'signed_up', distinctId: 'u2', at: '2026-05-05T08:00:00Z' },
    { event: 'page_viewed', distinctId: 'u1', at: '2026-05-06T09:00:00Z' },
    { event: 'signed_up', distinctId: 'u3', at: '2026-05-06T23:59:59Z' },
    { event: 'signed_up', distinctId: 'u1', at: '2026-05-10T23:00:00Z' },
    { event: 'page_viewed', distinctId: 'u4', at: '2026-05-11T00:00:00Z' },
  ]);
  // Another tenant, busy on the same days with the same user ids: never counted.
  const other = h.tenant();
  await h.track(
    other.tenantId,
    Array.from({ length: 40 }, (_, i) => ({ event: 'page_viewed', distinctId: `u${i % 9}`, at: `2026-05-0${4 + (i % 6)}T0${i % 10}:00:00Z` })),
  );
});
afterAll(async () => {
  await h?.close();
});

async function trend(input: Record<string, unknown>) {
  return (await h.ok(t.owner, TREND, { input })).trend;
}
const values = (series: { points: { value: number }[] }) => series.points.map((p) => p.value);

describe('trend', () => {
  it('counts events per UTC day with every day of the range present, zeros included', async () => {
    const result = await trend({ series: [{}], range: WEEK });
    expect(result.__typename).toBe('Trend');
    const [all] = result.series;
    expect(all.points.map((p: { bucket: string }) => p.bucket.slice(0, 10))).toEqual(['2026-05-04', '2026-05-05', '2026-05-06', '2026-05-07', '2026-05-08', '2026-05-09', '2026-05-10']);
    // 05-04: u1 ×2 + u2; 05-05: u2; 05-06: u1 + u3; 05-10: u1 (u5's 05-03 and u4's 05-11 are outside)
    expect(values(all)).toEqual([3, 1, 2, 0, 0, 0, 1]);
    expect(all).toMatchObject({ label: 'All events', event: null, math: 'TOTAL', total: 7 });
    expect(result.interval).toBe('DAY');
  });

  it('counts distinct users per day, and distinct users over the range as the total (not the sum)', async () => {
    const [dau] = (await trend({ series: [{ math: 'UNIQUE_USERS' }], range: WEEK })).series;
    // 05-04: u1, u2; 05-05: u2; 05-06: u1, u3; 05-10: u1 → range: u1, u2, u3
    expect(values(dau)).toEqual([2, 1, 2, 0, 0, 0, 1]);
    expect(dau.total).toBe(3);
    expect(dau.label).toBe('All events (unique users)');
  });

  it('runs several series of one event each, with their own labels and filters', async () => {
    const { series } = await trend({
      series: [
        { event: 'page_viewed' },
        { event: 'page_viewed', label: 'Pro views', filters: [{ key: 'plan', operator: 'EQUALS', value: 'pro' }] },
        { event: 'signed_up', math: 'UNIQUE_USERS' },
      ],
      range: WEEK,
    });
    expect(series.map((s: { label: string }) => s.label)).toEqual(['page_viewed', 'Pro views', 'signed_up (unique users)']);
    expect(values(series[0])).toEqual([3, 0, 1, 0, 0, 0, 0]);
    expect(values(series[1])).toEqual([1, 0, 0, 0, 0, 0, 0]);
    expect(values(series[2])).toEqual([0, 1, 1, 0, 0, 0, 1]);
  });

  it('applies the trend’s filters to every series', async () => {
    const { series } = await trend({ series: [{}, { math: 'UNIQUE_USERS' }], range: WEEK, filters: [{ key: 'plan', operator: 'IS_SET' }] });
    // only u1's two page views carry `plan`
    expect([series[0].total, series[1].total]).toEqual([2, 1]);
  });

  it('counts weekly active users over the 7 days ending at each day’s end, reaching before the range', async () => {
    const [wau] = (await trend({ series: [{ math: 'WEEKLY_ACTIVE_USERS' }], range: WEEK })).series;
    // 05-04 window [04-28, 05-05): u5 u1 u2 = 3; 05-05: 3; 05-06 … 05-09: + u3 = 4;
    // 05-10 window [05-04, 05-11): u5 has left → u1 u2 u3 = 3 (u6's 04-20 is in no window)
    expect(values(wau)).toEqual([3, 3, 4, 4, 4, 4, 3]);
    expect(wau.total).toBe(3);
  });

  it('counts monthly active users per week over the 30 days ending at each week’s end', async () => {
    const [mau] = (await trend({ series: [{ math: 'MONTHLY_ACTIVE_USERS' }], interval: 'WEEK', range: { from: WEEK.from, to: '2026-05-18T00:00:00Z' } })).series;
    // week of 05-04: [04-11, 05-11) → u6 u5 u1 u2 u3 = 5; week of 05-11: [04-18, 05-18) → + u4 = 6
    expect(mau.points.map((p: { bucket: string; value: number }) => [p.bucket.slice(0, 10), p.value])).toEqual([
      ['2026-05-04', 5],
      ['2026-05-11', 6],
    ]);
    expect(mau.total).toBe(6);
  });

  it('counts unique users per hour over more than 64 buckets, and the range’s distinct users as the total', async () => {
    const [hourly] = (await trend({ series: [{ math: 'UNIQUE_USERS' }], interval: 'HOUR', range: { from: '2026-05-04T00:00:00Z', to: '2026-05-07T00:00:00Z' } })).series;
    expect(hourly.points).toHaveLength(72);
    const busy = hourly.points.filter((p: { value: number }) => p.value > 0).map((p: { bucket: string; value: number }) => [p.bucket.slice(5, 13), p.value]);
    // u1 10:00 and 11:00, u2 12:00 on the 4th; u2 08:00 on the 5th; u1 09:00 and u3 23:59:59 on the 6th (hours 57 and 71: the second chunk of 64)
    expect(busy).toEqual([
      ['05-04T10', 1],
      ['05-04T11', 1],
      ['05-04T12', 1],
      ['05-05T08', 1],
      ['05-06T09', 1],
      ['05-06T23', 1],
    ]);
    expect(hourly.total).toBe(3);
  });

  it('counts weekly active users day by day over two months (windows in more than one 64-day chunk)', async () => {
    const [wau] = (await trend({ series: [{ math: 'WEEKLY_ACTIVE_USERS' }], range: { from: '2026-04-01T00:00:00Z', to: '2026-06-01T00:00:00Z' } })).series;
    expect(wau.points).toHaveLength(61);
    const byDay = Object.fromEntries(wau.points.filter((p: { value: number }) => p.value > 0).map((p: { bucket: string; value: number }) => [p.bucket.slice(5, 10), p.value]));
    // window of day d: [d − 6, d] — u6 (04-20) for 04-20 … 04-26; u5 (05-03) from 05-03 to 05-09; u1, u2 from 05-04;
    // u3 (05-06) to 05-12; u2's last (05-05) to 05-11; u1's last (05-10) to 05-16; u4 (05-11) to 05-17
    expect(byDay).toEqual({
      ...Object.fromEntries(['04-20', '04-21', '04-22', '04-23', '04-24', '04-25', '04-26'].map((d) => [d, 1])),
      '05-03': 1,
      '05-04': 3,
      '05-05': 3,
      '05-06': 4,
      '05-07': 4,
      '05-08': 4,
      '05-09': 4,
      '05-10': 3,
      '05-11': 4,
      '05-12': 3,
      '05-13': 2,
      '05-14': 2,
      '05-15': 2,
      '05-16': 2,
      '05-17': 1,
    });
  });

  it('ends the last rolling window at `to` when the range ends mid-day', async () => {
    const [wau] = (await trend({ series: [{ math: 'WEEKLY_ACTIVE_USERS' }], range: { from: WEEK.from, to: '2026-05-10T12:00:00Z' } })).series;
    // 05-10's window is [05-03 12:00, 05-10 12:00): u5 (05-03 23:59) is still in, u1's 23:00 sign-up is after `to`
    expect(values(wau)).toEqual([3, 3, 4, 4, 4, 4, 4]);
  });

  it('counts rolling active users per hour', async () => {
    const [hourly] = (await trend({ series: [{ math: 'WEEKLY_ACTIVE_USERS' }], interval: 'HOUR', range: { from: '2026-05-04T10:00:00Z', to: '2026-05-04T13:00:00Z' } })).series;
    // windows end at 11:00, 12:00, 13:00 and reach back 7 days: u5 and u1 (10:00), then u2 (12:00)
    expect(values(hourly)).toEqual([2, 2, 3]);
    expect(hourly.total).toBe(3);
  });

  it('keeps partial buckets of an unaligned range to the range’s own events', async () => {
    const [hourly] = (await trend({ series: [{}], interval: 'HOUR', range: { from: '2026-05-04T10:30:00Z', to: '2026-05-04T12:30:00Z' } })).series;
    // 10:00 bucket: u1's 10:00 view is before `from`; 11:00: u1; 12:00: u2
    expect(hourly.points.map((p: { bucket: string; value: number }) => [p.bucket.slice(11, 16), p.value])).toEqual([
      ['10:00', 0],
      ['11:00', 1],
      ['12:00', 1],
    ]);
  });

  it('sums a week into one Monday bucket and a month into one bucket', async () => {
    const [weekly] = (await trend({ series: [{}], interval: 'WEEK', range: WEEK })).series;
    expect(weekly.points).toEqual([{ bucket: '2026-05-04T00:00:00.000Z', value: 7 }]);
    const [monthly] = (await trend({ series: [{}], interval: 'MONTH', range: { from: '2026-04-01T00:00:00Z', to: '2026-06-01T00:00:00Z' } })).series;
    // April: u6; May: the 7 of the week, u5's 05-03 and u4's 05-11
    expect(values(monthly)).toEqual([1, 9]);
  });

  it('refuses too many buckets, an empty series list, an empty event and a backwards range with field paths', async () => {
    const hourly = await trend({ series: [{}], interval: 'HOUR', range: { from: '2025-05-01T00:00:00Z', to: '2026-05-01T00:00:00Z' } });
    expect(hourly.__typename).toBe('ValidationError');
    expect(hourly.fieldErrors).toEqual([{ path: 'input.interval', message: expect.stringContaining('8760 buckets') }]);
    const bad = await trend({ series: [], range: { from: WEEK.to, to: WEEK.from } });
    expect(bad.fieldErrors.map((e: { path: string }) => e.path).sort()).toEqual(['input.range.to', 'input.series']);
    const emptyEvent = await trend({ series: [{ event: ' ' }], range: WEEK });
    expect(emptyEvent.fieldErrors).toEqual([{ path: 'input.series.0.event', message: 'must not be empty' }]);
  });

  it('refuses a member without data:read', async () => {
    const res = await h.gql(t.user([]), TREND, { input: { series: [{}], range: WEEK } });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
