/** Figures of the billing benchmark: RSS sampling and the final goal-versus-measured report. */
import type { PhaseResult } from './ingest-clients.js';

export const GOALS = { runSeconds: 30, rssMb: 500, eventsPerSecond: 20_000, subscriptions: 10_000, usage: 1_000_000 } as const;

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
/** RSS and the V8 heap in use, for progress lines. */
export function memory(): string {
  const m = process.memoryUsage();
  return `RSS ${mb(m.rss)} (heap ${mb(m.heapUsed)}, external ${mb(m.external)})`;
}
export const num = (n: number) => Math.round(n).toLocaleString('en-US');

/** Peak resident set size of this process, sampled every `everyMs` (the platform: gateway, subgraphs, event bus). */
export class RssSampler {
  peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;
  constructor(everyMs: number) {
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage().rss);
    }, everyMs);
  }
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return this.peak;
  }
}

export interface ReportInput {
  n: number;
  usage: number;
  mode: string;
  run: { seconds: number; invoices: number; rssBefore: number; rssPeak: number; checksOk: boolean };
  baseline: { n: number; seconds: number; invoices: number; checksOk: boolean };
  ingestion: PhaseResult[];
  storedOk: boolean;
}

export const verdict = (met: boolean) => (met ? 'MET' : 'NOT MET');
export const row = (cells: string[], widths: number[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' ');

export function formatReport(r: ReportInput): string {
  const out: string[] = [];
  const fullSize = r.n === GOALS.subscriptions && r.usage === GOALS.usage;
  const metered = Math.floor(r.n / 3);
  out.push(`BILLING RUN  ${num(r.n)} subscriptions (${num(metered)} metered), ${num(r.usage)} usage events in the period, PostgreSQL`);
  out.push(`  via ${r.mode}`);
  const w = [34, 14, 12, 20, 8];
  out.push(row(['', 'measured', 'goal', 'measured / goal', ''], w));
  const rssMb = r.run.rssPeak / 1024 / 1024;
  out.push(row(['  close every period + invoice', `${r.run.seconds.toFixed(2)} s`, `< ${GOALS.runSeconds} s`, (r.run.seconds / GOALS.runSeconds).toFixed(2), verdict(r.run.seconds < GOALS.runSeconds)], w));
  out.push(row(['  peak RSS of the platform', `${rssMb.toFixed(0)} MB`, `< ${GOALS.rssMb} MB`, (rssMb / GOALS.rssMb).toFixed(2), verdict(rssMb < GOALS.rssMb)], w));
  out.push(`  invoices ${num(r.run.invoices)} (${num(r.run.invoices / r.run.seconds)}/s); RSS before the run ${(r.run.rssBefore / 1024 / 1024).toFixed(0)} MB, increase ${((r.run.rssPeak - r.run.rssBefore) / 1024 / 1024).toFixed(0)} MB`);
  out.push(`  correctness: ${r.run.checksOk ? 'every check passed' : 'CHECKS FAILED (see above)'}`);
  out.push('');

  const perSub = r.baseline.seconds / r.baseline.n;
  const extrapolated = perSub * r.n;
  out.push(`BASELINE  the same work one subscription per transaction (BILLING_BATCH = 1), measured on ${num(r.baseline.n)} subscriptions`);
  out.push(`  measured: ${num(r.baseline.invoices)} invoices in ${r.baseline.seconds.toFixed(2)} s (${num(r.baseline.n / r.baseline.seconds)}/s), checks ${r.baseline.checksOk ? 'passed' : 'FAILED'}`);
  out.push(`  EXTRAPOLATED linearly to ${num(r.n)}: ${extrapolated.toFixed(1)} s`);
  out.push(`  batched run / baseline: ${(r.run.seconds / extrapolated).toFixed(3)} of the time (${(extrapolated / r.run.seconds).toFixed(1)}× faster)`);
  out.push('');

  const main = r.ingestion.find((p) => p.label === 'main');
  const resend = r.ingestion.find((p) => p.label === 'resend');
  out.push('INGESTION  recordUsage over HTTP through the gateway, clients in a child process');
  const iw = [12, 6, 6, 10, 10, 8, 8, 10, 11, 7];
  out.push(row(['  phase', 'batch', 'conc.', 'events', 'events/s', 'p50 ms', 'p99 ms', 'accepted', 'duplicates', 'errors'], iw));
  for (const p of r.ingestion) {
    out.push(
      row(
        [`  ${p.label}`, String(p.batch), String(p.concurrency), num(p.events), num(p.eventsPerSecond), p.p50.toFixed(0), p.p99.toFixed(0), num(p.accepted), num(p.duplicates), String(p.errors)],
        iw,
      ),
    );
  }
  if (main) {
    out.push(row(['  events/s', num(main.eventsPerSecond), `≥ ${num(GOALS.eventsPerSecond)}`, (main.eventsPerSecond / GOALS.eventsPerSecond).toFixed(2), verdict(main.eventsPerSecond >= GOALS.eventsPerSecond)], w));
    const sweep = r.ingestion.filter((p) => p.label.startsWith('batch '));
    const base = sweep.find((p) => p.batch === main.batch);
    if (base) out.push(`  batch sizes, events/s relative to batches of ${main.batch}: ${sweep.map((p) => `${p.batch}: ${(p.eventsPerSecond / base.eventsPerSecond).toFixed(2)}`).join(', ')}`);
    out.push(`  first run: duplicates ${num(main.duplicates)} (want 0); re-sent batch: ${num(resend?.duplicates ?? 0)} of ${num(resend?.events ?? 0)} duplicates, ${num(resend?.accepted ?? 0)} accepted (want all duplicates)`);
    out.push(`  stored rows match accepted: ${r.storedOk ? 'yes' : 'NO'}`);
  }
  if (!fullSize) out.push(`\nNote: the goals are stated for ${num(GOALS.subscriptions)} subscriptions and ${num(GOALS.usage)} events; this run is ${num(r.n)} / ${num(r.usage)}.`);
  return out.join('\n');
}
