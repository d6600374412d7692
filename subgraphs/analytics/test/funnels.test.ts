/**
 * Funnels through GraphQL: hand-computed ORDERED, STRICT and UNORDERED
 * funnels (second attempts, the window, steps before step 1, intervening
 * events, reverse order, ties, one event matching two steps), step and global
 * filters, breakdowns (null and `$other`), the comparison period, the CSV
 * table, validation and tenant isolation; plus random users checked against
 * a brute-force reference, and the per-user functions given unsorted input.
 * The rules: docs/analytics/funnels.md.
 */
import { ValidationError } from '@platform/core';
import { rowsOf } from '@platform/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsHarness, HOUR, type SeedEvent, startAnalytics, type TestTenant } from './support.js';

let h: AnalyticsHarness;
beforeAll(async () => {
  h = await startAnalytics();
});
afterAll(async () => {
  await h?.close();
});

const FUNNEL = `query($input: FunnelInput!) {
  funnel(input: $input) {
    __typename
    ... on Funnel {
      order conversionWindowSeconds range { from to } conversionRate
      steps { index event label count conversionRate stepConversionRate dropOff dropOffRate medianTimeToConvertSeconds averageTimeToConvertSeconds }
      breakdowns { value conversionRate steps { index count medianTimeToConvertSeconds } }
      comparison { range { from to } conversionRate steps { index count medianTimeToConvertSeconds } }
    }
    ... on ValidationError { message fieldErrors { path message } }
  }
}`;

const MIN = 60_000;
const RANGE = { from: '2026-05-01T00:00:00.000Z', to: '2026-05-08T00:00:00.000Z' };
/** May 4, 00:00 UTC plus `minutes`. */
const T0 = Date.UTC(2026, 4, 4);
const at = (minutes: number) => new Date(T0 + minutes * MIN);
const ev = (user: string, event: string, minutes: number, properties: Record<string, unknown> = {}): SeedEvent => ({ event, distinctId: user, at: at(minutes), properties });
const steps = (...events: string[]) => events.map((event) => ({ event }));

interface Step {
  index: number;
  event: string;
  label: string;
  count: number;
  conversionRate: number | null;
  stepConversionRate: number | null;
  dropOff: number;
  dropOffRate: number | null;
  medianTimeToConvertSeconds: number | null;
  averageTimeToConvertSeconds: number | null;
}
interface Funnel {
  __typename: 'Funnel';
  order: string;
  conversionWindowSeconds: number;
  range: { from: string; to: string };
  conversionRate: number | null;
  steps: Step[];
  breakdowns: { value: string | null; conversionRate: number | null; steps: Pick<Step, 'index' | 'count' | 'medianTimeToConvertSeconds'>[] }[];
  comparison: { range: { from: string; to: string }; conversionRate: number | null; steps: Pick<Step, 'index' | 'count' | 'medianTimeToConvertSeconds'>[] } | null;
}

async function funnel(t: TestTenant, input: Record<string, unknown>): Promise<Funnel> {
  const result = (await h.ok(t.owner, FUNNEL, { input: { range: RANGE, conversionWindowSeconds: HOUR / 1000, ...input } })).funnel;
  expect(result.__typename).toBe('Funnel');
  return result;
}
const counts = (f: { steps: { count: number }[] }) => f.steps.map((s) => s.count);
const medians = (f: { steps: { medianTimeToConvertSeconds: number | null }[] }) => f.steps.map((s) => s.medianTimeToConvertSeconds);

async function seeded(events: SeedEvent[]): Promise<TestTenant> {
  const t = h.tenant();
  await h.track(t.tenantId, events);
  return t;
}

describe('ORDERED funnels', () => {
  /**
   * signup → activate → purchase, window 1 hour, range May 1–8:
   * u1 converts: +10 min, +25 min (times 600 s, 900 s).
   * u2 stops at activate (+30 min: 1,800 s).
   * u3 activates 2 h after its first signup (outside the window); its second signup at +3 h converts:
   *    activate +3 h 20 (1,200 s), purchase +3 h 50 (1,800 s), 50 min after that signup.
   * u4 activates before signing up, then purchases: only signup counts (activate must follow signup).
   * u5 activates at +20 min (1,200 s) and purchases 61 min after signup: outside the window.
   * u6 signs up 10 min before the range ends and activates 15 min later, after the end (900 s): counted.
   * u7 signed up before the range, u8 exactly at its end (exclusive): neither counts, whatever follows.
   * Step 1: u1–u6 = 6; step 2: u1, u2, u3, u5, u6 = 5; step 3: u1, u3 = 2.
   */
  const DATA: SeedEvent[] = [
    ev('u1', 'signup', 0),
    ev('u1', 'activate', 10),
    ev('u1', 'purchase', 25),
    ev('u2', 'signup', 0),
    ev('u2', 'activate', 30),
    ev('u3', 'signup', 0),
    ev('u3', 'activate', 120),
    ev('u3', 'signup', 180),
    ev('u3', 'activate', 200),
    ev('u3', 'purchase', 230),
    ev('u4', 'activate', 0),
    ev('u4', 'signup', 5),
    ev('u4', 'purchase', 10),
    ev('u5', 'signup', 0),
    ev('u5', 'activate', 20),
    ev('u5', 'purchase', 61),
    { event: 'signup', distinctId: 'u6', at: '2026-05-07T23:50:00Z' },
    { event: 'activate', distinctId: 'u6', at: '2026-05-08T00:05:00Z' },
    { event: 'signup', distinctId: 'u7', at: '2026-04-30T23:59:00Z' },
    { event: 'activate', distinctId: 'u7', at: '2026-05-01T00:05:00Z' },
    { event: 'signup', distinctId: 'u8', at: '2026-05-08T00:00:00Z' },
    { event: 'activate', distinctId: 'u8', at: '2026-05-08T00:05:00Z' },
  ];

  it('counts each user at the deepest step any of their attempts reached within the window', async () => {
    const t = await seeded(DATA);
    const f = await funnel(t, { steps: [{ event: 'signup' }, { event: 'activate', label: 'Activated' }, { event: 'purchase' }] });
    expect(f.order).toBe('ORDERED');
    expect(f.conversionWindowSeconds).toBe(3600);
    expect(f.range).toEqual(RANGE);
    expect(counts(f)).toEqual([6, 5, 2]);
    expect(f.steps.map((s) => [s.index, s.event, s.label])).toEqual([
      [1, 'signup', 'signup'],
      [2, 'activate', 'Activated'],
      [3, 'purchase', 'purchase'],
    ]);
    // 6/6, 5/6, 2/6; from the previous step 1, 5/6, 2/5
    expect(f.steps.map((s) => s.conversionRate)).toEqual([1, 5 / 6, 2 / 6]);
    expect(f.steps.map((s) => s.stepConversionRate)).toEqual([1, 5 / 6, 0.4]);
    // drop-off 0, 6 − 5 = 1, 5 − 2 = 3; rates 0, 1/6, 3/5
    expect(f.steps.map((s) => s.dropOff)).toEqual([0, 1, 3]);
    expect(f.steps.map((s) => s.dropOffRate)).toEqual([0, 1 / 6, 0.6]);
    expect(f.conversionRate).toBeCloseTo(2 / 6, 12);
  });

  it('times each step from the previous step of the counted attempt: median and mean', async () => {
    const t = await seeded(DATA);
    const f = await funnel(t, { steps: steps('signup', 'activate', 'purchase') });
    // step 2: u1 600, u2 1800, u3 1200, u5 1200, u6 900 → sorted 600, 900, 1200, 1200, 1800: median 1200, mean 5700/5 = 1140
    // step 3: u1 900, u3 1800 → median (900 + 1800)/2 = 1350, mean 1350
    expect(medians(f)).toEqual([null, 1200, 1350]);
    expect(f.steps.map((s) => s.averageTimeToConvertSeconds)).toEqual([null, 1140, 1350]);
  });

  it('needs a strictly later timestamp for the next step: a step at the same instant does not count', async () => {
    // t1: signup and activate at the same instant, nothing later → step 1 only.
    // t2: the same, then activate again 5 min later → step 2 (300 s).
    const t = await seeded([ev('t1', 'signup', 0), ev('t1', 'activate', 0), ev('t2', 'signup', 0), ev('t2', 'activate', 0), ev('t2', 'activate', 5)]);
    const f = await funnel(t, { steps: steps('signup', 'activate') });
    expect(counts(f)).toEqual([2, 1]);
    expect(medians(f)).toEqual([null, 300]);
  });

  it('includes the window’s end: a step exactly one window after step 1 counts, a millisecond later does not', async () => {
    const t = await seeded([ev('e1', 'signup', 0), ev('e1', 'activate', 60), ev('e2', 'signup', 0), ev('e2', 'activate', 60 + 1 / 60_000)]);
    const f = await funnel(t, { steps: steps('signup', 'activate') });
    expect(counts(f)).toEqual([2, 1]);
  });

  it('times an attempt from the first event of each step: a repeated step does not move it', async () => {
    // signup, activate at 10 min, activate again at 20, purchase at 30 → 600 s, then 30 − 10 = 20 min = 1,200 s
    const t = await seeded([ev('r1', 'signup', 0), ev('r1', 'activate', 10), ev('r1', 'activate', 20), ev('r1', 'purchase', 30)]);
    const f = await funnel(t, { steps: steps('signup', 'activate', 'purchase') });
    expect(medians(f)).toEqual([null, 600, 1200]);
  });

  it('lets one event fill only one step of an attempt when it matches two steps (pageview → pageview)', async () => {
    // m1: one pageview → 1 step. m2: two pageviews 1 min apart → 2 steps. m3: two pageviews at the same instant → 1 step.
    const t = await seeded([ev('m1', 'pageview', 0), ev('m2', 'pageview', 0), ev('m2', 'pageview', 1), ev('m3', 'pageview', 0), ev('m3', 'pageview', 0)]);
    const f = await funnel(t, { steps: steps('pageview', 'pageview') });
    expect(counts(f)).toEqual([3, 1]);
    expect(medians(f)).toEqual([null, 60]);
  });

  it('applies step filters to their step and global filters to every step', async () => {
    // f1: /pricing then a pro purchase → 2. f2: /home is not step 1 → not counted.
    // f3: the purchase is free → 1. f4: a free purchase, then a pro one 10 min after the view → 2 (other events may come between).
    // f5: would convert, but its events are env=test, which the global filter excludes.
    const view = (u: string, path: string, env = 'prod') => ev(u, 'pageview', 0, { path, env });
    const buy = (u: string, minutes: number, plan: string, env = 'prod') => ev(u, 'purchase', minutes, { plan, env });
    const t = await seeded([
      view('f1', '/pricing'),
      buy('f1', 10, 'pro'),
      view('f2', '/home'),
      buy('f2', 10, 'pro'),
      view('f3', '/pricing'),
      buy('f3', 10, 'free'),
      view('f4', '/pricing'),
      buy('f4', 5, 'free'),
      buy('f4', 10, 'pro'),
      view('f5', '/pricing', 'test'),
      buy('f5', 10, 'pro', 'test'),
    ]);
    const f = await funnel(t, {
      steps: [
        { event: 'pageview', filters: [{ key: 'path', operator: 'EQUALS', value: '/pricing' }] },
        { event: 'purchase', filters: [{ key: 'plan', operator: 'EQUALS', value: 'pro' }] },
      ],
      filters: [{ key: 'env', operator: 'NOT_EQUALS', value: 'test' }],
    });
    expect(counts(f)).toEqual([3, 2]);
    expect(medians(f)).toEqual([null, 600]);
  });
});

describe('STRICT funnels', () => {
  /**
   * signup → activate, window 1 hour:
   * s1: signup, activate 5 min later → 2 (300 s).
   * s2: signup, pageview 2 min later, activate at 5 min → the pageview breaks it: 1 (ORDERED: 2, 300 s).
   * s3: signup, pageview, signup again at 3 min, activate at 5 min → the second attempt: 2 (120 s).
   * s4: signup and a pageview at the same instant, activate 5 min later → same-instant events do not break: 2 (300 s).
   * s5: signup, signup 1 min later, activate at 2 min → the second signup ends the first attempt and starts one: 2 (60 s).
   */
  const DATA: SeedEvent[] = [
    ev('s1', 'signup', 0),
    ev('s1', 'activate', 5),
    ev('s2', 'signup', 0),
    ev('s2', 'pageview', 2),
    ev('s2', 'activate', 5),
    ev('s3', 'signup', 0),
    ev('s3', 'pageview', 2),
    ev('s3', 'signup', 3),
    ev('s3', 'activate', 5),
    ev('s4', 'signup', 0),
    ev('s4', 'pageview', 0),
    ev('s4', 'activate', 5),
    ev('s5', 'signup', 0),
    ev('s5', 'signup', 1),
    ev('s5', 'activate', 2),
  ];

  it('ends an attempt at any other event between two steps', async () => {
    const t = await seeded(DATA);
    const f = await funnel(t, { steps: steps('signup', 'activate'), order: 'STRICT' });
    expect(f.order).toBe('STRICT');
    expect(counts(f)).toEqual([5, 4]);
    // s1 300, s3 120, s4 300, s5 60 → sorted 60, 120, 300, 300: median (120 + 300)/2 = 210, mean 780/4 = 195
    expect(medians(f)).toEqual([null, 210]);
    expect(f.steps[1]!.averageTimeToConvertSeconds).toBe(195);
  });

  it('ends an attempt at a later step too: A, B, other, C reaches step 2 only', async () => {
    // k1: signup, activate, pageview, purchase → 2 (ORDERED: 3). k2: signup, activate, purchase → 3.
    const t = await seeded([
      ev('k1', 'signup', 0),
      ev('k1', 'activate', 5),
      ev('k1', 'pageview', 6),
      ev('k1', 'purchase', 7),
      ev('k2', 'signup', 0),
      ev('k2', 'activate', 5),
      ev('k2', 'purchase', 7),
    ]);
    expect(counts(await funnel(t, { steps: steps('signup', 'activate', 'purchase'), order: 'STRICT' }))).toEqual([2, 2, 1]);
    expect(counts(await funnel(t, { steps: steps('signup', 'activate', 'purchase') }))).toEqual([2, 2, 2]);
  });

  it('counts the same users at step 2 when ORDERED, timing from the latest signup before activate', async () => {
    const t = await seeded(DATA);
    const f = await funnel(t, { steps: steps('signup', 'activate') });
    expect(counts(f)).toEqual([5, 5]);
    // s1 300, s2 300, s3 120 (signup at 3 min), s4 300, s5 60 (signup at 1 min) → median 300, mean 1080/5 = 216
    expect(medians(f)).toEqual([null, 300]);
    expect(f.steps[1]!.averageTimeToConvertSeconds).toBe(216);
  });
});

describe('UNORDERED funnels', () => {
  it('counts the most steps done in any order within a window starting at one of them', async () => {
    // v1: C, B 10 min later, A 20 min → 3 (600 s, 600 s). v2: B, A 30 min later, C 2 h after B → best window B..A: 2 (1800 s).
    // v3: A only → 1. v4: C twice → 1 (one step, done twice).
    const t = await seeded([
      ev('v1', 'c', 0),
      ev('v1', 'b', 10),
      ev('v1', 'a', 20),
      ev('v2', 'b', 0),
      ev('v2', 'a', 30),
      ev('v2', 'c', 120),
      ev('v3', 'a', 0),
      ev('v4', 'c', 0),
      ev('v4', 'c', 10),
    ]);
    const f = await funnel(t, { steps: steps('a', 'b', 'c'), order: 'UNORDERED' });
    expect(counts(f)).toEqual([4, 2, 1]);
    // step 2: v1 600, v2 1800 → median 1200; step 3: v1 600
    expect(medians(f)).toEqual([null, 1200, 600]);
  });

  it('gives each event one step only, however many it matches, and counts events at the same instant', async () => {
    // pageview → pageview: m1 one view → 1; m2 two views → 2; m3 two views at the same instant → 2 (order does not matter).
    const t = await seeded([ev('m1', 'pageview', 0), ev('m2', 'pageview', 0), ev('m2', 'pageview', 1), ev('m3', 'pageview', 0), ev('m3', 'pageview', 0)]);
    const f = await funnel(t, { steps: steps('pageview', 'pageview'), order: 'UNORDERED' });
    expect(counts(f)).toEqual([3, 2]);
    // pageview → pageview on /pricing: p1's one /pricing view matches both steps → 1; p2's /pricing view then a /home view:
    // the /home view can only be step 1, so the /pricing view moves to step 2 → 2 (60 s).
    const t2 = await seeded([ev('p1', 'pageview', 0, { path: '/pricing' }), ev('p2', 'pageview', 0, { path: '/pricing' }), ev('p2', 'pageview', 1, { path: '/home' })]);
    const g = await funnel(t2, { steps: [{ event: 'pageview' }, { event: 'pageview', filters: [{ key: 'path', operator: 'EQUALS', value: '/pricing' }] }], order: 'UNORDERED' });
    expect(counts(g)).toEqual([2, 1]);
    expect(medians(g)).toEqual([null, 60]);
  });
});

describe('breakdowns', () => {
  it('splits users by the property on their counted attempt’s first event, null when it lacks it, most users first', async () => {
    // b1 pro → 2; b2 pro → 1; b3 free → 2; b4 no plan → 2;
    // b5 signs up as free (no activate within the hour), then as pro 2 h later and activates: the counted attempt is the pro one.
    const t = await seeded([
      ev('b1', 'signup', 0, { plan: 'pro' }),
      ev('b1', 'activate', 5),
      ev('b2', 'signup', 0, { plan: 'pro' }),
      ev('b3', 'signup', 0, { plan: 'free' }),
      ev('b3', 'activate', 5),
      ev('b4', 'signup', 0),
      ev('b4', 'activate', 5),
      ev('b5', 'signup', 0, { plan: 'free' }),
      ev('b5', 'signup', 120, { plan: 'pro' }),
      ev('b5', 'activate', 130),
    ]);
    const f = await funnel(t, { steps: steps('signup', 'activate'), breakdownProperty: 'plan' });
    expect(counts(f)).toEqual([5, 4]);
    // pro: b1, b2, b5 → 3, 2 (2/3); free: b3 → 1, 1; null: b4 → 1, 1 (free before null: equal counts, null last)
    expect(f.breakdowns.map((b) => [b.value, counts(b), b.conversionRate])).toEqual([
      ['pro', [3, 2], 2 / 3],
      ['free', [1, 1], 1],
      [null, [1, 1], 1],
    ]);
    // pro's step 2: b1 300, b5 600 → median 450
    expect(medians(f.breakdowns[0]!)).toEqual([null, 450]);
  });

  it('keeps the top 20 values by step-1 users and folds the rest into $other', async () => {
    // 22 plans: p01 3 users, p02 2 users, p03–p22 1 user each. Top 20: p01, p02, p03–p20 (ties by value);
    // p21 (converts) and p22 (does not) make $other: 2, 1.
    const events: SeedEvent[] = [];
    const user = (id: string, plan: string, converts: boolean) => {
      events.push(ev(id, 'signup', 0, { plan }));
      if (converts) events.push(ev(id, 'activate', 5));
    };
    user('a1', 'p01', true);
    user('a2', 'p01', true);
    user('a3', 'p01', false);
    user('b1', 'p02', true);
    user('b2', 'p02', false);
    for (let p = 3; p <= 22; p++) user(`c${p}`, `p${String(p).padStart(2, '0')}`, p !== 22);
    const t = await seeded(events);
    const f = await funnel(t, { steps: steps('signup', 'activate'), breakdownProperty: 'plan' });
    // users 3 + 2 + 20 = 25; converted 2 + 1 + 19 = 22
    expect(counts(f)).toEqual([25, 22]);
    expect(f.breakdowns.map((b) => b.value)).toEqual(['p01', 'p02', ...Array.from({ length: 18 }, (_, i) => `p${String(i + 3).padStart(2, '0')}`), '$other']);
    expect(counts(f.breakdowns[0]!)).toEqual([3, 2]);
    expect(counts(f.breakdowns[1]!)).toEqual([2, 1]);
    expect(counts(f.breakdowns[20]!)).toEqual([2, 1]);
    expect(f.breakdowns.reduce((sum, b) => sum + b.steps[0]!.count, 0)).toBe(25);
  });

  it('returns no breakdowns without a breakdown property', async () => {
    const t = await seeded([ev('x', 'signup', 0, { plan: 'pro' })]);
    expect((await funnel(t, { steps: steps('signup', 'activate') })).breakdowns).toEqual([]);
  });
});

describe('comparison period', () => {
  it('counts a second period with the same definition in the same query', async () => {
    // May: u1 converts (+10 min), u2 does not. April 1–8: w1 converts after 20 min, w2 after 40, w3 after 2 h (outside), w4 not.
    const april = (user: string, event: string, minutes: number): SeedEvent => ({ event, distinctId: user, at: new Date(Date.UTC(2026, 3, 2) + minutes * MIN) });
    const t = await seeded([
      ev('u1', 'signup', 0),
      ev('u1', 'activate', 10),
      ev('u2', 'signup', 0),
      april('w1', 'signup', 0),
      april('w1', 'activate', 20),
      april('w2', 'signup', 0),
      april('w2', 'activate', 40),
      april('w3', 'signup', 0),
      april('w3', 'activate', 120),
      april('w4', 'signup', 0),
    ]);
    const compareTo = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-08T00:00:00.000Z' };
    const f = await funnel(t, { steps: steps('signup', 'activate'), compareTo });
    expect(counts(f)).toEqual([2, 1]);
    expect(f.conversionRate).toBe(0.5);
    expect(f.comparison?.range).toEqual(compareTo);
    expect(counts(f.comparison!)).toEqual([4, 2]);
    expect(f.comparison?.conversionRate).toBe(0.5);
    // (1200 + 2400)/2 = 1800
    expect(medians(f.comparison!)).toEqual([null, 1800]);
    expect((await funnel(t, { steps: steps('signup', 'activate') })).comparison).toBeNull();
  });
});

describe('against a brute-force reference', () => {
  /** mulberry32, so the random data is the same on every run. */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const NAMES = ['a', 'b', 'c', 'x'];
  const FUNNEL_STEPS = ['a', 'b', 'c'];
  const WINDOW_MIN = 30;
  // The range ends 2 h after T0 (May 4, 02:00): users act from T0 − 20 min to T0 + 2 h 40, so some start too early or too late.
  const END_MIN = 120;

  /** Every attempt from every step-1 instant in the range, each advancing to the first qualifying instant: the deepest wins. */
  function referenceLevel(events: { name: string; min: number }[], order: 'ORDERED' | 'STRICT' | 'UNORDERED'): number {
    const instants = [...new Set(events.map((e) => e.min))].sort((p, q) => p - q);
    const namesAt = (min: number) => new Set(events.filter((e) => e.min === min).map((e) => e.name));
    let best = 0;
    for (const [i, start] of instants.entries()) {
      if (start < 0 || start >= END_MIN) continue;
      if (order === 'UNORDERED') {
        const done = new Set(events.filter((e) => e.min >= start && e.min <= start + WINDOW_MIN && FUNNEL_STEPS.includes(e.name)).map((e) => e.name));
        if (FUNNEL_STEPS.some((s) => namesAt(start).has(s))) best = Math.max(best, done.size);
        continue;
      }
      if (!namesAt(start).has('a')) continue;
      let level = 1;
      let j = i;
      while (level < FUNNEL_STEPS.length) {
        const next =
          order === 'STRICT'
            ? instants[j + 1] !== undefined && namesAt(instants[j + 1]!).has(FUNNEL_STEPS[level]!)
              ? j + 1
              : -1
            : instants.findIndex((min, k) => k > j && min <= start + WINDOW_MIN && namesAt(min).has(FUNNEL_STEPS[level]!));
        if (next < 0 || instants[next]! > start + WINDOW_MIN) break;
        j = next;
        level += 1;
      }
      best = Math.max(best, level);
    }
    return best;
  }

  it('gives the same answer when the per-user functions receive their events unsorted', async () => {
    // Event words: minute << 11 | opens (1024) | step bit. a@1 (opens), b@2, c@3; window 10; breakdown values alongside.
    const word = (minute: number, mask: number) => minute * 2048 + mask;
    const events = [word(1, 1024 | 1), word(2, 2), word(3, 4)];
    const call = (fn: string, list: number[], extra: string) =>
      h.asTenant(h.tenant().tenantId, async (tx) => {
        const rows = await tx.execute(sql.raw(`SELECT (f).level, (f).step_us, (f).breakdown FROM (SELECT ${fn}(ARRAY[${list.join(',')}]::bigint[], ARRAY[${list.map((w) => `'v${w % 2048}'`).join(',')}]::text[], 3, 10${extra}) AS f) s`));
        return rowsOf<{ level: number; step_us: (number | string)[]; breakdown: string }>(rows).map((r) => [r.level, r.step_us.map(Number), r.breakdown]);
      });
    const reversed = [...events].reverse();
    expect(await call('analytics.funnel_sequence', reversed, ', false')).toEqual([[3, [1, 2, 3], 'v1025']]);
    expect(await call('analytics.funnel_sequence', events, ', false')).toEqual([[3, [1, 2, 3], 'v1025']]);
    // UNORDERED: every step event opens; the window starting at c@3 would be later, so a@1's window counts.
    const unordered = [word(3, 1024 | 4), word(1, 1024 | 1), word(2, 1024 | 2)];
    expect(await call('analytics.funnel_unordered', unordered, '')).toEqual([[3, [1, 2, 3], 'v1025']]);
  });

  it.each(['ORDERED', 'STRICT', 'UNORDERED'] as const)('agrees on 150 random users (%s)', async (order) => {
    const next = random(order.length);
    const users = Array.from({ length: 150 }, () =>
      Array.from({ length: 1 + Math.floor(next() * 12) }, () => ({ name: NAMES[Math.floor(next() * NAMES.length)]!, min: Math.floor(next() * 180) - 20 })),
    );
    const t = await seeded(users.flatMap((events, u) => events.map((e) => ev(`r${u}`, e.name, e.min))));
    const expected = [1, 2, 3].map((k) => users.filter((events) => referenceLevel(events, order) >= k).length);
    const f = await funnel(t, { steps: steps(...FUNNEL_STEPS), order, conversionWindowSeconds: WINDOW_MIN * 60, range: { from: new Date(T0).toISOString(), to: at(END_MIN).toISOString() } });
    expect(counts(f)).toEqual(expected);
    // The data exercises every level (numbers for the record: the reference decides them).
    expect(expected[2]).toBeGreaterThan(0);
  });
});

describe('funnel results', () => {
  it('reports zero counts and null rates when nobody did step 1', async () => {
    const f = await funnel(h.tenant(), { steps: steps('signup', 'activate') });
    expect(f.steps.map((s) => [s.count, s.conversionRate, s.stepConversionRate, s.dropOff, s.dropOffRate, s.medianTimeToConvertSeconds])).toEqual([
      [0, null, null, 0, null, null],
      [0, null, null, 0, null, null],
    ]);
    expect(f.conversionRate).toBeNull();
  });

  it('lays a result out as one CSV row per period, breakdown value and step', async () => {
    const t = await seeded([ev('u1', 'signup', 0, { plan: 'pro' }), ev('u1', 'activate', 10), ev('u2', 'signup', 0)]);
    const result = await h.services.funnels.run(t.owner, {
      steps: steps('signup', 'activate'),
      range: RANGE,
      conversionWindowSeconds: 3600,
      breakdownProperty: 'plan',
      compareTo: { from: '2026-04-01T00:00:00Z', to: '2026-04-08T00:00:00Z' },
    });
    const table = h.services.funnels.table(result);
    expect(table.header.slice(0, 9)).toEqual(['period', 'period_from', 'period_to', 'group', 'breakdown_value', 'step', 'event', 'label', 'count']);
    // current/all × 2 steps, current/breakdown (pro, then null) × 2 steps, comparison/all × 2 steps
    expect(table.rows.map((r) => [r[0], r[3], r[4], r[5], r[8]])).toEqual([
      ['current', 'all', null, 1, 2],
      ['current', 'all', null, 2, 1],
      ['current', 'breakdown', 'pro', 1, 1],
      ['current', 'breakdown', 'pro', 2, 1],
      ['current', 'breakdown', null, 1, 1],
      ['current', 'breakdown', null, 2, 0],
      ['comparison', 'all', null, 1, 0],
      ['comparison', 'all', null, 2, 0],
    ]);
    expect(table.rows[1]!.slice(9)).toEqual([0.5, 0.5, 1, 0.5, 600, 600]);
  });

  it('never counts another tenant’s events', async () => {
    const data = [ev('u1', 'signup', 0), ev('u1', 'activate', 10)];
    const [mine, theirs] = [await seeded(data.slice(0, 1)), await seeded(data)];
    await h.track(theirs.tenantId, [ev('u2', 'signup', 0)]);
    expect(counts(await funnel(mine, { steps: steps('signup', 'activate') }))).toEqual([1, 0]);
    expect(counts(await funnel(theirs, { steps: steps('signup', 'activate') }))).toEqual([2, 1]);
  });
});

describe('validation', () => {
  const base = { steps: steps('signup', 'activate'), range: RANGE };
  const fieldErrors = async (input: Record<string, unknown>) => {
    const result = (await h.ok(h.tenant().owner, FUNNEL, { input: { ...base, ...input } })).funnel;
    expect(result.__typename).toBe('ValidationError');
    return (result.fieldErrors as { path: string }[]).map((e) => e.path);
  };

  it('refuses fewer than 2 and more than 10 steps', async () => {
    expect(await fieldErrors({ steps: steps('signup') })).toEqual(['input.steps']);
    expect(await fieldErrors({ steps: steps(...Array.from({ length: 11 }, (_, i) => `e${i}`)) })).toEqual(['input.steps']);
  });

  it('refuses a conversion window under 60 seconds or over 365 days', async () => {
    expect(await fieldErrors({ conversionWindowSeconds: 59 })).toEqual(['input.conversionWindowSeconds']);
    expect(await fieldErrors({ conversionWindowSeconds: 366 * 86_400 })).toEqual(['input.conversionWindowSeconds']);
  });

  it('refuses empty event names with the step’s path', async () => {
    expect(await fieldErrors({ steps: [{ event: 'signup' }, { event: '  ' }] })).toEqual(['input.steps.1.event']);
  });

  it('refuses an invalid comparison period', async () => {
    expect(await fieldErrors({ compareTo: { from: '2026-04-08T00:00:00Z', to: '2026-04-01T00:00:00Z' } })).toEqual(['input.compareTo.to']);
  });

  it('refuses an unknown order in GraphQL and in a stored widget’s JSON', async () => {
    const res = await h.gql(h.tenant().owner, FUNNEL, { input: { ...base, order: 'SIDEWAYS' } });
    expect(res.errors?.[0]?.message).toMatch(/SIDEWAYS/);
    const error = await h.services.funnels.run(h.tenant().owner, { ...base, order: 'SIDEWAYS' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((e) => e.path)).toEqual(['input.order']);
  });

  it('refuses a viewer without data:read', async () => {
    const res = await h.gql(h.tenant().user([]), FUNNEL, { input: base });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
