/** Dashboards: saved per tenant, widgets bound to the analytics queries (checked when saved, relative ranges), results and CSV export. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnalyticsHarness, DAY, startAnalytics, type TestTenant } from './support.js';

let h: AnalyticsHarness;
let t: TestTenant;
beforeAll(async () => {
  h = await startAnalytics({ start: new Date('2026-06-10T12:00:00Z') });
  t = h.tenant();
  // Three days of sign-ups: 2 on June 7, 1 on June 8, 3 on June 9 (u1 signs up twice).
  await h.track(t.tenantId, [
    { event: 'signed_up', distinctId: 'u1', at: '2026-06-07T09:00:00Z' },
    { event: 'signed_up', distinctId: 'u2', at: '2026-06-07T10:00:00Z' },
    { event: 'signed_up', distinctId: 'u3', at: '2026-06-08T10:00:00Z' },
    { event: 'signed_up', distinctId: 'u1', at: '2026-06-09T09:00:00Z' },
    { event: 'signed_up', distinctId: 'u4', at: '2026-06-09T10:00:00Z' },
    { event: 'signed_up', distinctId: 'u5', at: '2026-06-09T11:00:00Z' },
    { event: 'paid', distinctId: 'u1', at: '2026-06-07T12:00:00Z' },
    { event: 'paid', distinctId: 'u3', at: '2026-06-09T12:00:00Z' },
  ]);
});
afterAll(async () => {
  await h?.close();
});

const CREATE = 'mutation($input: DashboardInput!) { createDashboard(input: $input) { __typename ... on Dashboard { id name } ... on ValidationError { fieldErrors { path } } } }';
const ADD = `mutation($id: ID!, $input: AddDashboardWidgetInput!) { addDashboardWidget(dashboardId: $id, input: $input) {
  __typename ... on DashboardWidget { id position } ... on ValidationError { fieldErrors { path message } } ... on NotFoundError { entity } } }`;
const trendQuery = { series: [{ event: 'signed_up', math: 'TOTAL' }], interval: 'DAY', range: { from: '2026-06-07T00:00:00Z', to: '2026-06-10T00:00:00Z' } };

async function dashboardWith(widgets: { title: string; kind: string; query: Record<string, unknown>; rangeDays?: number }[]) {
  const { createDashboard } = await h.ok(t.owner, CREATE, { input: { name: 'Growth', description: 'Sign-ups and conversion' } });
  for (const input of widgets) {
    const { addDashboardWidget } = await h.ok(t.owner, ADD, { id: createDashboard.id, input });
    expect(addDashboardWidget.__typename).toBe('DashboardWidget');
  }
  return createDashboard.id as string;
}

describe('dashboards', () => {
  it('runs each widget’s saved query and exports it as CSV', async () => {
    const id = await dashboardWith([
      { title: 'Sign-ups per day', kind: 'TREND', query: trendQuery },
      { title: 'Sign-up to paid', kind: 'FUNNEL', query: { steps: [{ event: 'signed_up' }, { event: 'paid' }], range: trendQuery.range } },
    ]);
    const trendRuns = vi.spyOn(h.services.trends, 'run');
    const { dashboard } = await h.ok(
      t.user(['data:read']),
      `query($id: ID!) { dashboard(id: $id) { name widgets { title kind position csv result {
        __typename
        ... on Trend { series { total points { bucket value } } }
        ... on Funnel { steps { count } }
      } } } }`,
      { id },
    );
    // `result` and `csv` of one widget share one run of its query.
    expect(trendRuns).toHaveBeenCalledTimes(1);
    trendRuns.mockRestore();
    expect(dashboard.name).toBe('Growth');
    const [trend, funnel] = dashboard.widgets;
    expect([trend.kind, trend.position, funnel.kind, funnel.position]).toEqual(['TREND', 0, 'FUNNEL', 1]);
    expect(trend.result.series[0].points.map((p: { value: number }) => p.value)).toEqual([2, 1, 3]);
    expect(trend.result.series[0].total).toBe(6);
    // u1 and u3 paid after signing up; u2, u4, u5 did not.
    expect(funnel.result.steps.map((s: { count: number }) => s.count)).toEqual([5, 2]);
    expect(trend.csv).toBe('bucket,signed_up\r\n2026-06-07T00:00:00.000Z,2\r\n2026-06-08T00:00:00.000Z,1\r\n2026-06-09T00:00:00.000Z,3\r\ntotal,6\r\n');
    expect((funnel.csv as string).split('\r\n').length).toBeGreaterThan(2);
  });

  it('resolves a relative range against the clock at every run', async () => {
    const id = await dashboardWith([{ title: 'Last 2 days', kind: 'TREND', query: trendQuery, rangeDays: 2 }]);
    const read = async () =>
      (await h.ok(t.owner, `query($id: ID!) { dashboard(id: $id) { widgets { result { ... on Trend { series { total } } } } } }`, { id })).dashboard.widgets[0].result.series[0].total;
    // Now is June 10 12:00: the last 2 days start June 8 12:00, so only the three June 9 sign-ups count.
    expect(await read()).toBe(3);
    h.clock.advance(DAY);
    expect(await read()).toBe(0);
    h.clock.advance(-DAY);
  });

  it('refuses a widget whose query the API would refuse, naming the field under query., and stores nothing', async () => {
    const id = await dashboardWith([]);
    const bad = await h.ok(t.owner, ADD, { id, input: { title: 'Broken', kind: 'FUNNEL', query: { steps: [{ event: 'signed_up' }], range: trendQuery.range } } });
    expect(bad.addDashboardWidget.__typename).toBe('ValidationError');
    expect(bad.addDashboardWidget.fieldErrors.map((f: { path: string }) => f.path)).toContain('query.steps');
    const missing = await h.ok(t.owner, ADD, { id: crypto.randomUUID(), input: { title: 'x', kind: 'TREND', query: trendQuery } });
    expect(missing.addDashboardWidget).toEqual({ __typename: 'NotFoundError', entity: 'Dashboard' });
    const { dashboard } = await h.ok(t.owner, `query($id: ID!) { dashboard(id: $id) { widgets { id } } }`, { id });
    expect(dashboard.widgets).toEqual([]);
    const empty = await h.ok(t.owner, CREATE, { input: { name: '  ' } });
    expect(empty.createDashboard).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: 'input.name' }] });
  });

  it('updates, reorders, removes and deletes; another tenant sees none of it', async () => {
    const id = await dashboardWith([
      { title: 'A', kind: 'TREND', query: trendQuery },
      { title: 'B', kind: 'TREND', query: trendQuery },
    ]);
    const widgets = async (identity = t.owner) =>
      (await h.ok(identity, `query($id: ID!) { dashboard(id: $id) { name widgets { id title position } } }`, { id })).dashboard;
    const [a, b] = (await widgets()).widgets;
    await h.ok(t.owner, `mutation($id: ID!) { updateDashboardWidget(id: $id, input: { title: "A (moved)", position: 5 }) { ... on DashboardWidget { id } } }`, { id: a.id });
    await h.ok(t.owner, `mutation($id: ID!) { updateDashboard(id: $id, input: { name: "Growth v2" }) { ... on Dashboard { id } } }`, { id });
    const after = await widgets();
    expect(after.name).toBe('Growth v2');
    expect(after.widgets.map((w: { title: string }) => w.title)).toEqual(['B', 'A (moved)']);

    const stranger = h.tenant();
    expect((await h.ok(stranger.owner, `query($id: ID!) { dashboard(id: $id) { id } }`, { id })).dashboard).toBeNull();
    const removeAsStranger = await h.ok(stranger.owner, `mutation($id: ID!) { removeDashboardWidget(id: $id) { __typename } }`, { id: b.id });
    expect(removeAsStranger.removeDashboardWidget.__typename).toBe('NotFoundError');
    expect((await h.ok(stranger.owner, '{ dashboards { nodes { id } } }')).dashboards.nodes).toEqual([]);

    await h.ok(t.owner, `mutation($id: ID!) { removeDashboardWidget(id: $id) { __typename } }`, { id: b.id });
    expect((await widgets()).widgets.map((w: { title: string }) => w.title)).toEqual(['A (moved)']);
    await h.ok(t.owner, `mutation($id: ID!) { deleteDashboard(id: $id) { __typename } }`, { id });
    expect((await h.ok(t.owner, `query($id: ID!) { dashboard(id: $id) { id } }`, { id })).dashboard).toBeNull();
  });

  it('lists dashboards oldest first, page by page, and refuses writes without data:write', async () => {
    const mine = h.tenant();
    for (const name of ['One', 'Two', 'Three']) {
      h.clock.advance(1000);
      await h.ok(mine.owner, CREATE, { input: { name } });
    }
    const first = (await h.ok(mine.owner, '{ dashboards(first: 2) { nodes { name } pageInfo { hasNextPage endCursor } } }')).dashboards;
    expect(first.nodes.map((d: { name: string }) => d.name)).toEqual(['One', 'Two']);
    const rest = (await h.ok(mine.owner, 'query($after: String) { dashboards(first: 2, after: $after) { nodes { name } pageInfo { hasNextPage } } }', { after: first.pageInfo.endCursor })).dashboards;
    expect(rest).toEqual({ nodes: [{ name: 'Three' }], pageInfo: { hasNextPage: false } });
    const refused = await h.gql(mine.user(['data:read']), CREATE, { input: { name: 'Nope' } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
