/** Attribution through GraphQL: hand-computed credits under all five models, lookback, touchpoint choice, filters, the 50-touch cap, validation and tenant isolation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributionService } from '../src/services/attribution.service.js';
import { type AnalyticsHarness, DAY, type SeedEvent, startAnalytics, type TestTenant } from './support.js';

let h: AnalyticsHarness;
beforeAll(async () => {
  h = await startAnalytics();
});
afterAll(async () => {
  await h?.close();
});

const ATTRIBUTION = `query($input: AttributionInput!) {
  attribution(input: $input) {
    ... on Attribution { conversions conversionsWithTouchpoints models { model channels { channel credit share } } }
    ... on ValidationError { message fieldErrors { path message } }
  }
}`;
const RANGE = { from: '2026-05-01T00:00:00Z', to: '2026-06-01T00:00:00Z' };
const may = (day: number, hour = 0) => new Date(Date.UTC(2026, 4, day, hour));
const visit = (user: string, at: Date, source?: string): SeedEvent => ({ event: 'visit', distinctId: user, at, properties: source === undefined ? {} : { utm_source: source } });
const purchase = (user: string, at: Date, plan = 'pro'): SeedEvent => ({ event: 'purchase', distinctId: user, at, properties: { plan } });

/**
 * A: google 14 d, email 7 d before buying on May 24 (and a bing visit at the purchase instant: not before it).
 * B: facebook 21 d, google 14 d, email 7 d before buying on May 28.
 * C: buys on May 20 with only a visit 45 days earlier (outside 30 days), an empty and a missing source, and a
 *    `signup` carrying utm_source=partner the day before: direct unless any event counts as a touchpoint.
 * D: ads on May 11, buys on May 15 (plan pro), email on May 18, buys again on May 25 (plan free): two conversions.
 * E bought in April (outside the range); F visits but never buys.
 */
const DATASET: SeedEvent[] = [
  visit('A', may(10), 'google'),
  visit('A', may(17), 'email'),
  visit('A', may(24), 'bing'),
  purchase('A', may(24)),
  visit('B', may(7), 'facebook'),
  visit('B', may(14), 'google'),
  visit('B', may(21), 'email'),
  purchase('B', may(28)),
  visit('C', new Date(may(20).getTime() - 45 * DAY), 'google'),
  visit('C', may(12), ''),
  visit('C', may(13)),
  { event: 'signup', distinctId: 'C', at: may(19), properties: { utm_source: 'partner' } },
  purchase('C', may(20)),
  visit('D', may(11), 'ads'),
  purchase('D', may(15)),
  visit('D', may(18), 'email'),
  purchase('D', may(25), 'free'),
  visit('E', new Date('2026-04-20T00:00:00Z'), 'google'),
  purchase('E', new Date('2026-04-25T00:00:00Z')),
  visit('F', may(26), 'tiktok'),
];

type Channel = { channel: string; credit: number; share: number };
type Result = { conversions: number; conversionsWithTouchpoints: number; models: { model: string; channels: Channel[] }[] };

async function attribution(t: TestTenant, input: Record<string, unknown>): Promise<Result> {
  return (await h.ok(t.owner, ATTRIBUTION, { input: { conversionEvent: 'purchase', touchpointEvent: 'visit', range: RANGE, ...input } })).attribution;
}
const byModel = (r: Result) => Object.fromEntries(r.models.map((m) => [m.model, m.channels.map((c) => [c.channel, c.credit])]));

describe('attribution', () => {
  let t: TestTenant;
  beforeAll(async () => {
    t = h.tenant();
    await h.track(t.tenantId, DATASET);
  });

  it('credits each of the five conversions under all five models', async () => {
    const r = await attribution(t, {});
    // A, B, C, D twice; C has no touchpoint
    expect([r.conversions, r.conversionsWithTouchpoints]).toEqual([5, 4]);
    expect(r.models.map((m) => m.model)).toEqual(['FIRST_TOUCH', 'LAST_TOUCH', 'LINEAR', 'TIME_DECAY', 'POSITION_BASED']);
    const m = byModel(r);
    // FIRST: A google, B facebook, C direct, D1 ads, D2 ads (ads 14 d before the second purchase)
    expect(m.FIRST_TOUCH).toEqual([
      ['ads', 2],
      ['(direct)', 1],
      ['facebook', 1],
      ['google', 1],
    ]);
    // LAST: A email (bing is at the purchase instant, not before), B email, C direct, D1 ads, D2 email
    expect(m.LAST_TOUCH).toEqual([
      ['email', 3],
      ['(direct)', 1],
      ['ads', 1],
    ]);
    // LINEAR: ads 1 + 1/2 = 1.5; email 1/2 + 1/3 + 1/2 = 4/3; direct 1; google 1/2 + 1/3 = 5/6; facebook 1/3
    expect(m.LINEAR).toEqual([
      ['ads', 1.5],
      ['email', 1.333333333],
      ['(direct)', 1],
      ['google', 0.833333333],
      ['facebook', 0.333333333],
    ]);
    // TIME_DECAY (2^(−days/7)): A 14 d, 7 d → 1/3, 2/3; B 21, 14, 7 d → 1/7, 2/7, 4/7; D2 ads 14 d, email 7 d → 1/3, 2/3
    // email 2/3 + 4/7 + 2/3 = 40/21; ads 1 + 1/3 = 4/3; direct 1; google 1/3 + 2/7 = 13/21; facebook 1/7 (sum 105/21 = 5)
    expect(m.TIME_DECAY).toEqual([
      ['email', 1.904761905],
      ['ads', 1.333333333],
      ['(direct)', 1],
      ['google', 0.619047619],
      ['facebook', 0.142857143],
    ]);
    // POSITION_BASED: A 50/50; B 0.4 facebook, 0.2 google, 0.4 email; D1 ads 1; D2 50/50
    // ads 1.5; email 0.5 + 0.4 + 0.5 = 1.4; direct 1; google 0.5 + 0.2 = 0.7; facebook 0.4
    expect(m.POSITION_BASED).toEqual([
      ['ads', 1.5],
      ['email', 1.4],
      ['(direct)', 1],
      ['google', 0.7],
      ['facebook', 0.4],
    ]);
  });

  it('gives each channel its share of the conversions', async () => {
    const r = await attribution(t, { models: ['POSITION_BASED'] });
    // 1.5/5, 1.4/5, 1/5, 0.7/5, 0.4/5
    expect(r.models[0]!.channels.map((c) => c.share)).toEqual([0.3, 0.28, 0.2, 0.14, 0.08]);
  });

  it('ignores touches older than the lookback window', async () => {
    // 10 days: A keeps email (7 d), B email (7 d), D1 ads (4 d), D2 email (7 d; ads is 14 d old)
    const r = await attribution(t, { lookbackDays: 10, models: ['FIRST_TOUCH'] });
    expect(byModel(r).FIRST_TOUCH).toEqual([
      ['email', 3],
      ['(direct)', 1],
      ['ads', 1],
    ]);
  });

  it('counts any event carrying the channel property when no touchpoint event is named', async () => {
    // C's signup (partner, 1 day before) becomes a touchpoint: no direct conversion is left
    const r = await attribution(t, { touchpointEvent: null, models: ['LAST_TOUCH'] });
    expect(r.conversionsWithTouchpoints).toBe(5);
    expect(byModel(r).LAST_TOUCH).toEqual([
      ['email', 3],
      ['ads', 1],
      ['partner', 1],
    ]);
  });

  it('counts only the conversions matching the conversion filters', async () => {
    // D's second purchase is on the free plan
    const r = await attribution(t, { conversionFilters: [{ key: 'plan', operator: 'EQUALS', value: 'pro' }], models: ['LAST_TOUCH'] });
    expect(r.conversions).toBe(4);
    expect(byModel(r).LAST_TOUCH).toEqual([
      ['email', 2],
      ['(direct)', 1],
      ['ads', 1],
    ]);
  });

  it('reads the channel from the property named by channelProperty', async () => {
    const t2 = h.tenant();
    await h.track(t2.tenantId, [
      { event: 'visit', distinctId: 'u', at: may(3), properties: { campaign: 'spring', utm_source: 'google' } },
      purchase('u', may(4)),
    ]);
    const r = await attribution(t2, { channelProperty: 'campaign', models: ['LINEAR'] });
    expect(byModel(r).LINEAR).toEqual([['spring', 1]]);
  });

  it('keeps only the 50 most recent touches of a conversion', async () => {
    const t2 = h.tenant();
    // 60 visits c01..c60, one an hour, then a purchase: the first of the last 50 is c11
    const visits = Array.from({ length: 60 }, (_, i) => visit('g', new Date(may(10).getTime() + i * 3_600_000), `c${String(i + 1).padStart(2, '0')}`));
    await h.track(t2.tenantId, [...visits, purchase('g', may(13))]);
    const r = await attribution(t2, { models: ['FIRST_TOUCH', 'LINEAR'] });
    const m = byModel(r);
    expect(m.FIRST_TOUCH).toEqual([['c11', 1]]);
    expect(m.LINEAR).toHaveLength(50);
    expect(m.LINEAR!.every(([, credit]) => credit === 0.02)).toBe(true);
  });

  it('answers zero conversions with empty models', async () => {
    const r = await attribution(h.tenant(), {});
    expect(r).toEqual({ conversions: 0, conversionsWithTouchpoints: 0, models: expect.arrayContaining([{ model: 'LINEAR', channels: [] }]) });
  });

  it('never sees another tenant’s events', async () => {
    const other = h.tenant();
    await h.track(other.tenantId, [visit('A', may(23), 'evil'), purchase('A', may(24)), purchase('Z', may(24))]);
    const r = await attribution(t, { models: ['LAST_TOUCH'] });
    expect(r.conversions).toBe(5);
    expect(byModel(r).LAST_TOUCH!.map(([c]) => c)).not.toContain('evil');
  });

  it('returns a ValidationError naming each bad field', async () => {
    const res = await h.ok(t.owner, ATTRIBUTION, {
      input: { conversionEvent: '', lookbackDays: 91, models: [], range: { from: RANGE.to, to: RANGE.from } },
    });
    expect(res.attribution.fieldErrors.map((f: { path: string }) => f.path).sort()).toEqual(['input.conversionEvent', 'input.lookbackDays', 'input.models', 'input.range.to']);
  });

  it('refuses more conversions than the limit, naming it', async () => {
    // The limit is 200,000; a service built with a limit of 4 shows the behaviour on five conversions.
    const small = new AttributionService(h.services.deps, { maxConversions: 4 });
    await expect(small.run(t.owner, { conversionEvent: 'purchase', range: RANGE })).rejects.toThrow('more than 4 conversions');
    await expect(small.run(t.owner, { conversionEvent: 'purchase', range: RANGE, conversionFilters: [{ key: 'plan', operator: 'EQUALS', value: 'pro' }] })).resolves.toMatchObject({ conversions: 4 });
  });

  it('lays the result out as (model, channel, credit, share) rows', async () => {
    const r = await h.services.attribution.run(t.owner, { conversionEvent: 'purchase', touchpointEvent: 'visit', range: RANGE, models: ['LAST_TOUCH'] });
    expect(h.services.attribution.table(r)).toEqual({
      header: ['model', 'channel', 'credit', 'share'],
      rows: [
        ['LAST_TOUCH', 'email', 3, 0.6],
        ['LAST_TOUCH', '(direct)', 1, 0.2],
        ['LAST_TOUCH', 'ads', 1, 0.2],
      ],
    });
  });
});
