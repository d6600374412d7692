/**
 * The NPS report: % promoters − % detractors per customer segment and per month
 * or quarter (with an ALL segment), comment sentiment and themes, and the
 * responses of the window, newest first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, startCustomerSuccess, type TestSubgraph } from './support.js';

let env: TestSubgraph;

beforeAll(async () => {
  env = await startCustomerSuccess({ start: new Date('2025-01-15T12:00:00Z') });
});
afterAll(async () => {
  await env?.close();
});

const NPS = `mutation($input: RecordNpsResponseInput!) {
  recordNpsResponse(input: $input) { __typename ... on NpsResponse { id category sentiment sentimentScore themes respondent } }
}`;
const REPORT = `query($g: ReportGranularity, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  npsReport(granularity: $g, from: $from, to: $to) {
    granularity from to totalResponses nps
    bySegment { segment period responses promoters passives detractors nps }
    themes { theme mentions positive neutral negative }
    responses(first: $first, after: $after) { nodes { score respondedAt customer { name } } pageInfo { hasNextPage endCursor } }
  }
}`;

describe('the NPS report', () => {
  it('gives NPS by segment per month, the comment themes and the responses', async () => {
    const t = env.tenant();
    const smb = await createCustomer(env, t.owner, { name: 'Small', segment: 'SMB' });
    const ent = await createCustomer(env, t.owner, { name: 'Big', segment: 'ENTERPRISE' });
    const answers: [string, number, string, string | null][] = [
      [smb, 10, '2024-11-05T10:00:00Z', 'Love the dashboards, great product'],
      [smb, 3, '2024-11-20T10:00:00Z', 'Support is slow and the app is buggy'],
      [ent, 9, '2024-11-25T10:00:00Z', null],
      [ent, 8, '2024-12-02T10:00:00Z', 'Pricing is expensive'],
      [smb, 9, '2024-12-18T10:00:00Z', 'Great support team'],
      // Outside the window.
      [ent, 0, '2024-09-01T10:00:00Z', 'Terrible'],
    ];
    for (const [customerId, score, respondedAt, comment] of answers) {
      const data = await env.ok(t.owner, NPS, { input: { customerId, score, respondedAt, comment, respondent: 'cfo@example.com' } });
      expect(data.recordNpsResponse.__typename).toBe('NpsResponse');
    }
    const report = (await env.ok(t.owner, REPORT, { g: 'MONTH', from: '2024-11-01T00:00:00Z', to: '2025-01-01T00:00:00Z', first: 3 })).npsReport;
    expect(report).toMatchObject({ granularity: 'MONTH', totalResponses: 5 });
    // 3 promoters (10, 9, 9), 1 passive (8), 1 detractor (3): (3 − 1) / 5 = 40.
    expect(report.nps).toBe(40);
    expect(report.bySegment).toEqual([
      { segment: 'ALL', period: '2024-11', responses: 3, promoters: 2, passives: 0, detractors: 1, nps: 33.3 },
      { segment: 'ALL', period: '2024-12', responses: 2, promoters: 1, passives: 1, detractors: 0, nps: 50 },
      { segment: 'ENTERPRISE', period: '2024-11', responses: 1, promoters: 1, passives: 0, detractors: 0, nps: 100 },
      { segment: 'ENTERPRISE', period: '2024-12', responses: 1, promoters: 0, passives: 1, detractors: 0, nps: 0 },
      { segment: 'SMB', period: '2024-11', responses: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 },
      { segment: 'SMB', period: '2024-12', responses: 1, promoters: 1, passives: 0, detractors: 0, nps: 100 },
    ]);
    const support = report.themes.find((th: { theme: string }) => th.theme === 'SUPPORT');
    expect(support).toMatchObject({ mentions: 2, positive: 1, negative: 1 });
    expect(report.responses.nodes.map((n: { score: number }) => n.score)).toEqual([9, 8, 9]);
    expect(report.responses.pageInfo.hasNextPage).toBe(true);
    const rest = (await env.ok(t.owner, REPORT, { g: 'MONTH', from: '2024-11-01T00:00:00Z', to: '2025-01-01T00:00:00Z', first: 3, after: report.responses.pageInfo.endCursor })).npsReport;
    expect(rest.responses.nodes.map((n: { score: number }) => n.score)).toEqual([3, 10]);

    const quarters = (await env.ok(t.owner, REPORT, { g: 'QUARTER', from: '2024-07-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).npsReport;
    expect(quarters.bySegment.filter((b: { segment: string }) => b.segment === 'ALL')).toEqual([
      { segment: 'ALL', period: '2024-Q3', responses: 1, promoters: 0, passives: 0, detractors: 1, nps: -100 },
      { segment: 'ALL', period: '2024-Q4', responses: 5, promoters: 3, passives: 1, detractors: 1, nps: 40 },
    ]);
  });

  it('analyses comments on the way in: sentiment label and themes', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const data = await env.ok(t.owner, NPS, { input: { customerId: id, score: 2, comment: 'The app is slow and buggy, support never answers' } });
    expect(data.recordNpsResponse).toMatchObject({ category: 'DETRACTOR', sentiment: 'NEGATIVE', respondent: null });
    expect(data.recordNpsResponse.sentimentScore).toBeLessThan(0);
    expect(data.recordNpsResponse.themes).toEqual(expect.arrayContaining(['SUPPORT', 'PERFORMANCE']));
  });

  it('a window whose start is after its end is a validation error; the default window is the last 12 months', async () => {
    const t = env.tenant();
    const bad = await env.gql(t.owner, REPORT, { from: '2025-01-02T00:00:00Z', to: '2025-01-01T00:00:00Z' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const data = (await env.ok(t.owner, REPORT, {})).npsReport;
    expect(data).toMatchObject({ granularity: 'MONTH', to: env.clock.now.toISOString(), totalResponses: 0, nps: null, bySegment: [], themes: [] });
    expect(new Date(data.from).getTime()).toBe(env.clock.now.getTime() - 365 * 86_400_000);
  });
});
