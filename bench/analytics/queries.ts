/**
 * The three queries the analytics benchmark times, as a dashboard sends them
 * through the gateway (POST /graphql with the owner's token), and what their
 * answers must look like for the timing to count: a broken query that answers
 * nothing fast must not pass as a fast query.
 * - funnel: 4 ordered steps event_01 → … → event_04 over the last 30 days;
 * - retention: 12 weekly cohorts of event_01, returning with event_02;
 * - trend: daily active users (UNIQUE_USERS over all events) for 30 days.
 * The 30-day range is [UTC midnight 29 days ago, tomorrow's UTC midnight):
 * 30 whole days, today included, so the trend has exactly 30 points.
 */
import type { Gql } from '../owner.js';
import { type Latency, summarize } from './latency.js';

const DAY_MS = 86_400_000;

export interface QueryCheck {
  ok: boolean;
  /** What the answer said, in a line (step counts, cohorts, DAU range). */
  detail: string;
}

export interface QuerySpec {
  name: 'funnel' | 'retention' | 'trend';
  label: string;
  query: string;
  variables(now: Date): Record<string, unknown>;
  check(data: Record<string, unknown>): QueryCheck;
}

export interface QueryResult {
  name: QuerySpec['name'];
  label: string;
  latency: Latency;
  warmUpMs: number;
  check: QueryCheck;
}

function last30Days(now: Date): { from: string; to: string } {
  const to = Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS;
  return { from: new Date(to - 30 * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

/** The union member the query wanted, or a failed check naming what came instead. */
function member<T>(data: Record<string, unknown>, field: string, typename: string): T | QueryCheck {
  const result = data[field] as { __typename?: string; message?: string } | undefined;
  if (result?.__typename === typename) return result as T;
  return { ok: false, detail: `answered ${result?.__typename ?? 'nothing'}${result?.message ? `: ${result.message}` : ''}` };
}
const isCheck = (v: unknown): v is QueryCheck => typeof (v as QueryCheck).ok === 'boolean';
const pct = (rate: number) => `${(100 * rate).toFixed(1)} %`;
const range = (values: number[]) => (values.length === 0 ? 'none' : `${Math.min(...values)}–${Math.max(...values)}`);

export const QUERIES: QuerySpec[] = [
  {
    name: 'funnel',
    label: 'funnel, 4 ordered steps, 30 days',
    query:
      'query($input: FunnelInput!) { funnel(input: $input) { __typename ... on Funnel { steps { count conversionRate medianTimeToConvertSeconds } } ... on ValidationError { message } } }',
    variables: (now) => ({ input: { steps: ['event_01', 'event_02', 'event_03', 'event_04'].map((event) => ({ event })), order: 'ORDERED', range: last30Days(now) } }),
    check(data) {
      const funnel = member<{ steps: { count: number; conversionRate: number; medianTimeToConvertSeconds: number | null }[] }>(data, 'funnel', 'Funnel');
      if (isCheck(funnel)) return funnel;
      const counts = funnel.steps.map((s) => s.count);
      const decreasing = counts.every((c, i) => i === 0 || c <= counts[i - 1]!);
      const ok = counts.length === 4 && counts[0]! > 0 && counts[3]! > 0 && decreasing && counts[3]! < counts[0]!;
      const last = funnel.steps.at(-1);
      return {
        ok,
        detail: `users per step ${counts.join(' → ')}; overall conversion ${last ? pct(last.conversionRate) : '?'}; median time to convert per step ${funnel.steps.map((s) => (s.medianTimeToConvertSeconds == null ? '–' : `${Math.round(s.medianTimeToConvertSeconds)} s`)).join(', ')}`,
      };
    },
  },
  {
    name: 'retention',
    label: 'retention, 12 weekly cohorts',
    query:
      'query { retention(input: { startEvent: "event_01", returnEvent: "event_02", period: WEEK, periods: 12 }) { __typename ... on Retention { cohorts { start size values { offset count rate } } } ... on ValidationError { message } } }',
    variables: () => ({}),
    check(data) {
      const retention = member<{ cohorts: { start: string; size: number; values: { offset: number; count: number; rate: number }[] }[] }>(data, 'retention', 'Retention');
      if (isCheck(retention)) return retention;
      const cohorts = retention.cohorts.filter((c) => c.size > 0);
      const returned = cohorts.some((c) => c.values.some((v) => v.offset >= 1 && v.count > 0));
      const first = retention.cohorts[0];
      const week = (offset: number) => first?.values.find((v) => v.offset === offset);
      return {
        ok: cohorts.length > 0 && returned,
        detail: `${retention.cohorts.length} cohorts (${cohorts.length} non-empty), sizes ${range(cohorts.map((c) => c.size))}; first cohort (${first?.start.slice(0, 10)}, ${first?.size} users) back in week 1 ${week(1) ? pct(week(1)!.rate) : '–'}, week 4 ${week(4) ? pct(week(4)!.rate) : '–'}, week 11 ${week(11) ? pct(week(11)!.rate) : '–'}`,
      };
    },
  },
  {
    name: 'trend',
    label: 'trend, daily active users, 30 days',
    query:
      'query($range: DateRangeInput!) { trend(input: { series: [{ math: UNIQUE_USERS }], interval: DAY, range: $range }) { __typename ... on Trend { series { points { bucket value } } } ... on ValidationError { message } } }',
    variables: (now) => ({ range: last30Days(now) }),
    check(data) {
      const trend = member<{ series: { points: { bucket: string; value: number }[] }[] }>(data, 'trend', 'Trend');
      if (isCheck(trend)) return trend;
      const points = trend.series[0]?.points ?? [];
      const values = points.map((p) => p.value);
      return {
        ok: points.length === 30 && values.every((v) => v > 0),
        detail: `${points.length} points, DAU ${range(values)} (today so far ${values.at(-1)})`,
      };
    },
  },
];

/** Whether the supergraph has the query's field yet (the queries are written alongside the benchmark). */
export async function available(gql: Gql, token: string, spec: QuerySpec): Promise<string | null> {
  try {
    await gql(spec.query, spec.variables(new Date()), token);
    return null;
  } catch (err) {
    return String(err).slice(0, 300);
  }
}

/** One warm-up, then `runs` timed requests one after the other; the last answer is checked. */
export async function timeQuery(gql: Gql, token: string, spec: QuerySpec, runs: number, log: (line: string) => void): Promise<QueryResult> {
  const timed = async () => {
    const started = performance.now();
    const data = await gql<Record<string, unknown>>(spec.query, spec.variables(new Date()), token);
    return { ms: performance.now() - started, data };
  };
  const warmUp = await timed();
  const samples: number[] = [];
  let last = warmUp.data;
  for (let i = 0; i < runs; i++) {
    const run = await timed();
    samples.push(run.ms);
    last = run.data;
  }
  const check = spec.check(last);
  const latency = summarize(samples);
  log(`  ${spec.label}: warm-up ${warmUp.ms.toFixed(0)} ms, runs ${samples.map((ms) => ms.toFixed(0)).join(', ')} ms → p50 ${latency.p50.toFixed(0)} ms`);
  log(`    ${check.ok ? 'ok  ' : 'FAIL'} ${check.detail}`);
  return { name: spec.name, label: spec.label, latency, warmUpMs: warmUp.ms, check };
}
