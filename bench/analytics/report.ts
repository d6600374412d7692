/** The final report of the analytics benchmark: figures next to the issue's goals, with MET / NOT MET and the ratios. */
import { mb, num, row, verdict } from '../billing/report.js';
import type { PhaseResult } from './ingest-clients.js';
import type { LoadResult } from './load.js';
import type { QueryResult, QuerySpec } from './queries.js';

export const GOALS = { smallEvents: 1_000_000, largeEvents: 10_000_000, smallMs: 1_000, largeMs: 5_000, eventsPerSecond: 20_000 } as const;

export interface IngestionRound {
  /** "empty table" or "10,000,000 events". */
  table: string;
  phases: PhaseResult[];
  /** Rows stored by the round = events accepted. */
  storedOk: boolean;
}

export interface ReportInput {
  small: number;
  large: number;
  runs: number;
  queries: { small: QueryResult[]; large: QueryResult[]; specs: QuerySpec[]; missing: Map<string, string> };
  ingestion: IngestionRound[];
  loads: (LoadResult & { label: string })[];
  table: { rows: number; tableBytes: number; indexBytes: number };
}

const s = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

export function formatReport(r: ReportInput): string {
  const out: string[] = [];
  out.push(`ANALYTICS QUERIES  through the gateway (POST /graphql, owner's token), 1 warm-up + ${r.runs} runs each, PostgreSQL`);
  const w = [38, 9, 9, 9, 8, 9];
  for (const [size, results, goalMs] of [
    [r.small, r.queries.small, GOALS.smallMs],
    [r.large, r.queries.large, GOALS.largeMs],
  ] as const) {
    out.push(`  at ${num(size)} events`);
    out.push(row(['', 'p50', 'p90', 'max', 'goal', ''], w));
    for (const spec of r.queries.specs) {
      const q = results.find((x) => x.name === spec.name);
      if (!q) {
        out.push(row([`  ${spec.label}`, 'not measured', '', '', '', ''], w) + (r.queries.missing.has(spec.name) ? ` (${r.queries.missing.get(spec.name)})` : ''));
        continue;
      }
      const met = q.check.ok && q.latency.p50 < goalMs;
      out.push(row([`  ${spec.label}`, s(q.latency.p50), s(q.latency.p90), s(q.latency.max), `< ${s(goalMs)}`, q.check.ok ? verdict(met) : 'NOT MET (wrong answer)'], w));
    }
  }
  out.push(`  ${num(r.large)} / ${num(r.small)} events, p50 ratio: ${r.queries.specs
    .map((spec) => {
      const a = r.queries.small.find((q) => q.name === spec.name);
      const b = r.queries.large.find((q) => q.name === spec.name);
      return `${spec.name} ${a && b ? `${(b.latency.p50 / a.latency.p50).toFixed(1)}×` : '–'}`;
    })
    .join(', ')} (data ${(r.large / r.small).toFixed(0)}×)`);
  out.push('');

  out.push('INGESTION  over HTTP through the gateway, clients in a child process');
  const iw = [40, 6, 6, 9, 10, 8, 8, 10, 11, 9, 7];
  out.push(row(['  phase', 'batch', 'conc.', 'events', 'events/s', 'p50 ms', 'p99 ms', 'accepted', 'duplicates', 'rejected', 'errors'], iw));
  for (const round of r.ingestion) {
    for (const p of round.phases) {
      out.push(
        row(
          [`  ${p.label}, ${round.table}`, String(p.batch), String(p.concurrency), num(p.events), num(p.eventsPerSecond), p.p50.toFixed(0), p.p99.toFixed(0), num(p.accepted), num(p.duplicates), num(p.rejected), String(p.errors)],
          iw,
        ),
      );
    }
  }
  const gw = [44, 12, 12, 16, 8];
  out.push(row(['', 'measured', 'goal', 'measured / goal', ''], gw));
  for (const round of r.ingestion) {
    const batch = round.phases.find((p) => p.path === 'batch' && !p.label.startsWith('re-sent'));
    const track = round.phases.find((p) => p.path === 'trackEvents');
    const resend = round.phases.find((p) => p.label.startsWith('re-sent'));
    if (!batch) continue;
    out.push(row([`  batch endpoint events/s, ${round.table}`, num(batch.eventsPerSecond), `≥ ${num(GOALS.eventsPerSecond)}`, (batch.eventsPerSecond / GOALS.eventsPerSecond).toFixed(2), verdict(batch.eventsPerSecond >= GOALS.eventsPerSecond)], gw));
    if (track) out.push(`    batch endpoint / trackEvents (same events, batches of ${batch.batch}): ${(batch.eventsPerSecond / track.eventsPerSecond).toFixed(2)}× the events/s`);
    if (resend) out.push(`    re-sent batch: ${num(resend.duplicates)} of ${num(resend.events)} duplicates, ${num(resend.accepted)} accepted (want all duplicates): ${resend.duplicates === resend.events ? 'ok' : 'FAIL'}`);
    out.push(`    rows stored = events accepted: ${round.storedOk ? 'yes' : 'NO'}`);
  }
  const [emptyRound, loadedRound] = r.ingestion;
  const e = emptyRound?.phases.find((p) => p.path === 'batch');
  const l = loadedRound?.phases.find((p) => p.path === 'batch');
  if (e && l) out.push(`  batch endpoint events/s after the load / on the empty table: ${(l.eventsPerSecond / e.eventsPerSecond).toFixed(2)}`);
  out.push('');

  out.push('LOAD  (not measured against a goal)');
  for (const load of r.loads) out.push(`  ${load.label}: ${num(load.events)} events in ${load.seconds.toFixed(1)} s (${num(load.events / load.seconds)}/s), VACUUM (ANALYZE) ${load.vacuumSeconds.toFixed(1)} s`);
  out.push(`  analytics.events at the end: ${num(r.table.rows)} rows of the tenant; table ${mb(r.table.tableBytes)}, indexes ${mb(r.table.indexBytes)}`);
  if (r.small !== GOALS.smallEvents || r.large !== GOALS.largeEvents) {
    out.push(`\nNote: the goals are stated for ${num(GOALS.smallEvents)} and ${num(GOALS.largeEvents)} events; this run is ${num(r.small)} / ${num(r.large)}.`);
  }
  return out.join('\n');
}
