/** Experiments through GraphQL: definition checks, the DRAFT → RUNNING → STOPPED lifecycle, assignment (TypeScript and SQL agree), results on seeded data, and tenant isolation. */
import { rowsOf, sqlArray } from '@platform/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignVariant, bucketSql, variantSql } from '../src/domain/experiment-assignment.js';
import { type AnalyticsHarness, DAY, HOUR, type SeedEvent, startAnalytics, type TestTenant } from './support.js';

let h: AnalyticsHarness;
beforeAll(async () => {
  h = await startAnalytics();
});
afterAll(async () => {
  await h?.close();
});

const FIELDS = 'id key name description exposureEvent conversionEvent status variants { key weight } minimumDetectableEffect startedAt stoppedAt createdAt';
const ERRORS = '... on Error { code message } ... on ValidationError { fieldErrors { path message } }';
const CREATE = `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { ... on Experiment { ${FIELDS} results { winner } } ${ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateExperimentInput!) { updateExperiment(id: $id, input: $input) { ... on Experiment { ${FIELDS} } ${ERRORS} } }`;
const START = `mutation($id: ID!) { startExperiment(id: $id) { ... on Experiment { ${FIELDS} } ${ERRORS} } }`;
const STOP = `mutation($id: ID!) { stopExperiment(id: $id) { ... on Experiment { ${FIELDS} } ${ERRORS} } }`;
const GET = `query($id: ID!) { experiment(id: $id) { ${FIELDS} } }`;
const LIST = `query($status: ExperimentStatus, $first: Int, $after: String) { experiments(status: $status, first: $first, after: $after) { nodes { key status } pageInfo { hasNextPage endCursor } } }`;
const ASSIGN = `query($key: String!, $id: String!) { experimentAssignment(experimentKey: $key, distinctId: $id) { ... on ExperimentAssignment { experimentKey variant bucket status } ${ERRORS} } }`;
const RESULTS = `query($id: ID!, $cl: Float) { experiment(id: $id) { status results(confidenceLevel: $cl) {
  confidenceLevel control minimumSampleSizePerVariant sampleSizeReached winner
  variants { key exposures conversions conversionRate confidenceInterval { lower upper } relativeLift zScore pValue significant }
  significantAt { confidenceLevel significant winner } } } }`;

const TWO = [
  { key: 'control', weight: 50 },
  { key: 'treatment', weight: 50 },
];
const definition = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  name: `Experiment ${key}`,
  exposureEvent: 'checkout_viewed',
  conversionEvent: 'purchased',
  variants: TWO,
  ...extra,
});

async function create(t: TestTenant, input: Record<string, unknown>) {
  return (await h.ok(t.owner, CREATE, { input })).createExperiment;
}
async function call(t: TestTenant, mutation: string, variables: Record<string, unknown>) {
  const data = await h.ok(t.owner, mutation, variables);
  return Object.values(data)[0] as Record<string, unknown> & { code?: string; fieldErrors?: { path: string; message: string }[] };
}

describe('experiment definitions', () => {
  const t = { current: undefined as unknown as TestTenant };
  beforeAll(() => {
    t.current = h.tenant();
  });

  it('creates a DRAFT with the default minimum detectable effect and no results', async () => {
    const e = await create(t.current, definition('pricing', { description: 'New pricing page' }));
    expect(e).toMatchObject({ key: 'pricing', status: 'DRAFT', variants: TWO, minimumDetectableEffect: 0.1, description: 'New pricing page', startedAt: null, results: null });
  });

  it('refuses weights that do not sum to 100, a single variant and duplicate variant keys', async () => {
    const sum = await create(t.current, definition('w', { variants: [{ key: 'a', weight: 50 }, { key: 'b', weight: 40 }] }));
    expect(sum.fieldErrors).toEqual([{ path: 'input.variants', message: 'weights must sum to 100, got 90' }]);
    const one = await create(t.current, definition('w', { variants: [{ key: 'a', weight: 100 }] }));
    expect(one.fieldErrors.map((f: { path: string }) => f.path)).toEqual(['input.variants']);
    const dup = await create(t.current, definition('w', { variants: [{ key: 'a', weight: 50 }, { key: 'a', weight: 50 }] }));
    expect(dup.fieldErrors).toEqual([{ path: 'input.variants.1.key', message: 'duplicates variant "a"' }]);
    const bad = await create(t.current, definition('has.dot', { minimumDetectableEffect: 20, exposureEvent: '' }));
    expect(bad.fieldErrors.map((f: { path: string }) => f.path).sort()).toEqual(['input.exposureEvent', 'input.key', 'input.minimumDetectableEffect']);
  });

  it('refuses a key already used in the tenant with a ConflictError', async () => {
    await create(t.current, definition('dup-key'));
    const again = await create(t.current, definition('dup-key'));
    expect(again).toMatchObject({ code: 'CONFLICT' });
  });

  it('updates a DRAFT, leaving absent fields and clearing a null description', async () => {
    const e = await create(t.current, definition('editable', { description: 'x' }));
    const variants = [
      { key: 'control', weight: 34 },
      { key: 'b', weight: 33 },
      { key: 'c', weight: 33 },
    ];
    const updated = await call(t.current, UPDATE, { id: e.id, input: { name: 'Renamed', description: null, variants, minimumDetectableEffect: 0.5 } });
    expect(updated).toMatchObject({ name: 'Renamed', description: null, variants, minimumDetectableEffect: 0.5, exposureEvent: 'checkout_viewed', key: 'editable' });
    const invalid = await call(t.current, UPDATE, { id: e.id, input: { variants: [{ key: 'a', weight: 60 }, { key: 'b', weight: 60 }] } });
    expect(invalid.fieldErrors?.[0]?.path).toBe('input.variants');
  });

  it('moves DRAFT → RUNNING → STOPPED once, refusing edits after the start', async () => {
    const e = await create(t.current, definition('lifecycle'));
    const started = await call(t.current, START, { id: e.id });
    expect(started).toMatchObject({ status: 'RUNNING', startedAt: h.clock.now.toISOString(), stoppedAt: null });
    expect(await call(t.current, UPDATE, { id: e.id, input: { name: 'Too late' } })).toMatchObject({ code: 'INVALID_STATE' });
    expect(await call(t.current, START, { id: e.id })).toMatchObject({ code: 'INVALID_STATE' });
    h.clock.advance(HOUR);
    const stopped = await call(t.current, STOP, { id: e.id });
    expect(stopped).toMatchObject({ status: 'STOPPED', stoppedAt: h.clock.now.toISOString() });
    expect(await call(t.current, STOP, { id: e.id })).toMatchObject({ code: 'INVALID_STATE' });
    expect(await call(t.current, START, { id: e.id })).toMatchObject({ code: 'INVALID_STATE' });
    // a draft cannot be stopped either
    const draft = await create(t.current, definition('never-started'));
    expect(await call(t.current, STOP, { id: draft.id })).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('answers NotFoundError for unknown ids and null from experiment(id)', async () => {
    expect(await call(t.current, START, { id: crypto.randomUUID() })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await call(t.current, UPDATE, { id: 'not-a-uuid', input: { name: 'x' } })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.ok(t.current.owner, GET, { id: 'not-a-uuid' })).experiment).toBeNull();
  });

  it('lists experiments newest first, by status, a page at a time', async () => {
    const t2 = h.tenant();
    for (const key of ['one', 'two', 'three']) {
      await create(t2, definition(key));
      h.clock.advance(1000);
    }
    const three = await create(t2, definition('four'));
    await call(t2, START, { id: three.id });
    const first = (await h.ok(t2.owner, LIST, { first: 2 })).experiments;
    expect(first.nodes.map((n: { key: string }) => n.key)).toEqual(['four', 'three']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = (await h.ok(t2.owner, LIST, { first: 2, after: first.pageInfo.endCursor })).experiments;
    expect(rest.nodes.map((n: { key: string }) => n.key)).toEqual(['two', 'one']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const running = (await h.ok(t2.owner, LIST, { status: 'RUNNING' })).experiments;
    expect(running.nodes).toEqual([{ key: 'four', status: 'RUNNING' }]);
  });

  it('refuses a member without data:write', async () => {
    const res = await h.gql(t.current.user(['data:read']), CREATE, { input: definition('nope') });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('experimentAssignment', () => {
  it('gives the TypeScript assignment through GraphQL, in any status, and NotFoundError for an unknown key', async () => {
    const t = h.tenant();
    const variants = [
      { key: 'control', weight: 20 },
      { key: 'a', weight: 30 },
      { key: 'b', weight: 50 },
    ];
    await create(t, definition('assign', { variants }));
    for (const id of ['alice', 'bob', 'carol', 'ünïcode', 'user with spaces']) {
      const { experimentAssignment } = await h.ok(t.owner, ASSIGN, { key: 'assign', id });
      expect(experimentAssignment).toEqual({ experimentKey: 'assign', ...assignVariant('assign', variants, id), status: 'DRAFT' });
    }
    expect((await h.ok(t.owner, ASSIGN, { key: 'missing', id: 'alice' })).experimentAssignment).toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.ok(t.owner, ASSIGN, { key: 'assign', id: '' })).experimentAssignment.fieldErrors[0].path).toBe('distinctId');
  });

  it('agrees with its SQL twin over 5,000 ids, and splits them close to the weights', async () => {
    const t = h.tenant();
    const variants = [
      { key: 'control', weight: 50 },
      { key: 'a', weight: 30 },
      { key: 'b', weight: 20 },
    ];
    const ids = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `ü-${i}-€` : `user-${i}`));
    const rows = await h.asTenant(t.tenantId, async (tx) =>
      rowsOf<{ id: string; bucket: number; variant: string }>(
        await tx.execute(sql`SELECT u.id, ${bucketSql('agree', sql`u.id`)} AS bucket, ${variantSql(variants, bucketSql('agree', sql`u.id`))} AS variant
          FROM unnest(${sqlArray(ids)}::text[]) AS u(id)`),
      ),
    );
    expect(rows).toHaveLength(5000);
    const mismatches = rows.filter((r) => {
      const ts = assignVariant('agree', variants, r.id);
      return ts.bucket !== Number(r.bucket) || ts.variant !== r.variant;
    });
    expect(mismatches).toEqual([]);
    const share = (key: string) => rows.filter((r) => r.variant === key).length / rows.length;
    // binomial sd at n = 5,000 is at most 0.71 points; 3 points is > 4 sd
    expect(Math.abs(share('control') - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(share('a') - 0.3)).toBeLessThan(0.03);
    expect(Math.abs(share('b') - 0.2)).toBeLessThan(0.03);
  });
});

describe('experiment results', () => {
  let t: TestTenant;
  let id: string;
  let t0: number;
  const control: string[] = [];
  const treatment: string[] = [];
  const at = (ms: number) => new Date(t0 + ms);
  const exposure = (user: string, when: Date): SeedEvent => ({ event: 'checkout_viewed', distinctId: user, at: when });
  const conversion = (user: string, when: Date): SeedEvent => ({ event: 'purchased', distinctId: user, at: when });
  const results = async (cl?: number) => (await h.ok(t.owner, RESULTS, { id, cl })).experiment.results;

  beforeAll(async () => {
    t = h.tenant();
    // Users chosen by the assignment function: the first 100 of each variant among u0, u1, …
    for (let i = 0; control.length < 101 || treatment.length < 100; i++) {
      const user = `u${i}`;
      const list = assignVariant('checkout', TWO, user).variant === 'control' ? control : treatment;
      if (list.length < 101) list.push(user);
    }
    // control[100] is only ever exposed before the start
    const e = await create(t, definition('checkout', { minimumDetectableEffect: 2 }));
    id = e.id;
    t0 = h.clock.now.getTime();
    await h.track(t.tenantId, [exposure(control[100]!, at(-HOUR)), exposure(control[0]!, at(-HOUR)), conversion(control[1]!, at(-HOUR / 2))]);
    await call(t, START, { id });
    h.clock.advance(DAY);
    // Phase 1: everyone exposed at +1 h (control 0–9 again at +3 h); 2 conversions a side; control[50] converts before its exposure
    await h.track(t.tenantId, [
      ...[...control.slice(0, 100), ...treatment].map((u) => exposure(u, at(HOUR))),
      ...control.slice(0, 10).map((u) => exposure(u, at(3 * HOUR))),
      ...[control[2]!, control[3]!, treatment[0]!, treatment[1]!].map((u) => conversion(u, at(2 * HOUR))),
      conversion(control[50]!, at(HOUR / 2)),
    ]);
  });

  it('counts each exposed user once and compares equal rates as not significant while running', async () => {
    const r = await results();
    // 100 exposed a side (control[100] only before the start); 2/100 vs 2/100: z = 0, p = 2Φ(0) = 1
    expect(r.variants.map((v: Record<string, unknown>) => [v.key, v.exposures, v.conversions, v.conversionRate])).toEqual([
      ['control', 100, 2, 0.02],
      ['treatment', 100, 2, 0.02],
    ]);
    expect(r.variants[1]).toMatchObject({ relativeLift: 0, zScore: 0, pValue: 1, significant: false });
    // p1 = 0.02, p2 = 0.06, p̄ = 0.04: (1.959964 · 0.277128 + 0.841621 · 0.275681)² / 0.04² = 0.600903 / 0.0016 = 375.6 → 376
    expect([r.minimumSampleSizePerVariant, r.sampleSizeReached, r.winner]).toEqual([376, false, null]);
  });

  it('names the winner once the difference is significant and the sample size reached, counting only the run', async () => {
    // Phase 2: control 4–11 convert (10 in all), treatment 2–29 (30 in all); control[2] converts twice
    await h.track(t.tenantId, [
      ...control.slice(4, 12).map((u) => conversion(u, at(5 * HOUR))),
      ...treatment.slice(2, 30).map((u) => conversion(u, at(5 * HOUR))),
      conversion(control[2]!, at(6 * HOUR)),
    ]);
    await call(t, STOP, { id });
    h.clock.advance(DAY);
    // After the stop: new exposures and conversions do not count
    await h.track(t.tenantId, [exposure('late-user', at(DAY + HOUR)), ...control.slice(20, 40).map((u) => conversion(u, at(DAY + HOUR)))]);

    const r = await results();
    expect(r.control).toBe('control');
    const [c, v] = r.variants;
    expect([c.exposures, c.conversions, v.exposures, v.conversions]).toEqual([100, 10, 100, 30]);
    // pooled 40/200 = 0.2; SE = √(0.2 · 0.8 · (2/100)) = 0.0565685; z = 0.2/0.0565685 = 3.535534; p = 2Φ(−3.535534) = 0.000407
    expect(v.zScore).toBeCloseTo(3.535534, 5);
    expect(v.pValue).toBeCloseTo(0.000407, 6);
    expect(v.relativeLift).toBeCloseTo(2, 12); // 0.30/0.10 − 1
    expect(v.significant).toBe(true);
    // Wilson 95 %: 10/100 → [0.055229, 0.174366]; 30/100 → [0.218949, 0.395849]
    expect(c.confidenceInterval.lower).toBeCloseTo(0.055229, 5);
    expect(c.confidenceInterval.upper).toBeCloseTo(0.174366, 5);
    expect(v.confidenceInterval.lower).toBeCloseTo(0.218949, 5);
    expect(v.confidenceInterval.upper).toBeCloseTo(0.395849, 5);
    // p1 = 0.1, p2 = 0.3, p̄ = 0.2: (1.959964 · 0.565685 + 0.841621 · 0.547723)² / 0.2² = 2.463952 / 0.04 = 61.6 → 62 ≤ 100
    expect([r.minimumSampleSizePerVariant, r.sampleSizeReached, r.winner]).toEqual([62, true, 'treatment']);
    // 90 %: n = 49; 99 %: n = 92, still ≤ 100, and p < 0.01
    expect(r.significantAt).toEqual([
      { confidenceLevel: 0.9, significant: true, winner: 'treatment' },
      { confidenceLevel: 0.95, significant: true, winner: 'treatment' },
      { confidenceLevel: 0.99, significant: true, winner: 'treatment' },
    ]);
    const strict = await results(0.99);
    expect([strict.confidenceLevel, strict.minimumSampleSizePerVariant, strict.winner]).toEqual([0.99, 92, 'treatment']);
  });

  it('runs as a dashboard query ({ experimentId, confidenceLevel }) and lays the variants out as rows', async () => {
    const r = await h.services.experiments.run(t.owner, { experimentId: id, confidenceLevel: 0.95 });
    expect(r.winner).toBe('treatment');
    const table = h.services.experiments.table(r);
    expect(table.header.slice(0, 3)).toEqual(['variant', 'exposures', 'conversions']);
    expect(table.rows.map((row) => [row[0], row[1], row[2], row.at(-1)])).toEqual([
      ['control', 100, 10, false],
      ['treatment', 100, 30, true],
    ]);
    await expect(h.services.experiments.run(t.owner, { experimentId: crypto.randomUUID() })).rejects.toThrow('was not found');
  });

  it('refuses a confidence level outside 0.8–0.999', async () => {
    const res = await h.gql(t.owner, RESULTS, { id, cl: 0.5 });
    expect(res.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });

  it('keeps tenants apart: another tenant’s experiment and events are invisible', async () => {
    const other = h.tenant();
    const theirs = await create(other, definition('checkout', { minimumDetectableEffect: 2 }));
    await create(other, definition('only-theirs'));
    await call(other, START, { id: theirs.id });
    h.clock.advance(HOUR);
    await h.track(other.tenantId, [...control.slice(0, 100).map((u) => exposure(u, at(2 * DAY + HOUR / 2))), ...control.slice(0, 100).map((u) => conversion(u, at(2 * DAY + HOUR / 2 + 1)))]);
    expect((await h.ok(t.owner, GET, { id: theirs.id })).experiment).toBeNull();
    expect((await h.ok(t.owner, LIST, {})).experiments.nodes.map((n: { key: string }) => n.key)).toEqual(['checkout']);
    expect((await h.ok(t.owner, ASSIGN, { key: 'only-theirs', id: 'u1' })).experimentAssignment).toMatchObject({ code: 'NOT_FOUND' });
    expect((await call(t, START, { id: theirs.id })).code).toBe('NOT_FOUND');
    const mine = await results();
    expect(mine.variants.map((v: { conversions: number }) => v.conversions)).toEqual([10, 30]);
    const theirResults = (await h.ok(other.owner, RESULTS, { id: theirs.id })).experiment.results;
    expect(theirResults.variants.map((v: { exposures: number; conversions: number }) => [v.exposures, v.conversions])).toEqual([
      [100, 100],
      [0, 0],
    ]);
  });
});
