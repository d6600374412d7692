/** The gateway benchmark's final report: every measurement side by side, the ratios to the stock gateway, and the goals. */
import os from 'node:os';
import { mb, num, row, verdict } from '../billing/report.js';
import type { LoadResult } from './load.js';
import type { ProcessFigures } from './process-stats.js';
import { QUERIES, type ScenarioKey } from './queries.js';

export const TARGETS = ['direct', 'ours-embedded', 'ours-distributed', 'stock'] as const;
export type Target = (typeof TARGETS)[number];
export const OURS: Target[] = ['ours-embedded', 'ours-distributed'];

export interface Measurement {
  scenario: ScenarioKey;
  target: Target;
  connections: number;
  load: LoadResult;
  /** The gateway's process tree; null straight to the subgraph. */
  gateway: ProcessFigures | null;
  /** The four subgraph processes together; null when they are inside the gateway (embedded). */
  subgraphs: ProcessFigures | null;
  loadAverage: string;
}

export const GOALS = { throughputVsStock: 3, p99Ms: 50, p99Connections: 50, addedP50Ms: 2 } as const;

export const failuresOf = (m: Measurement) => m.load.non2xx + m.load.badAnswers + m.load.socketErrors;
export const ms = (v: number | null) => (v === null ? '—' : v.toFixed(1));
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;
const cores = (f: ProcessFigures | null) => (f ? f.cores.toFixed(2) : '—');
const memory = (f: ProcessFigures | null) => (f ? mb(f.peakRssBytes) : '—');
/** CPU milliseconds the gateway and subgraph processes spent per correct answer: steadier than req/s when other work shares the machine. */
const cpuPerRequest = (m: Measurement) =>
  m.load.okPerSecond > 0 ? (((m.gateway?.cores ?? 0) + (m.subgraphs?.cores ?? 0)) * 1000 / m.load.okPerSecond).toFixed(1) : '—';

function find(all: Measurement[], scenario: ScenarioKey, target: Target, connections: number): Measurement | undefined {
  return all.find((m) => m.scenario === scenario && m.target === target && m.connections === connections);
}

export function formatReport(all: Measurement[], options: { connections: number; durationSeconds: number; customers: number }): string {
  const out: string[] = [];
  const w = [30, 17, 6, 9, 8, 8, 10, 7, 11, 6, 9, 9, 8];
  out.push(`GATEWAY BENCHMARK  ${num(options.customers)} customers, ${options.durationSeconds} s per run after a warm-up, PostgreSQL; req/s and latencies of correct answers only`);
  out.push(row(['scenario', 'gateway', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'gw RSS', 'gw CPU', 'subgr. RSS', 'CPU', 'CPU ms/r', '÷ stock', 'failed'], w));
  for (const m of all) {
    const stock = find(all, m.scenario, 'stock', m.connections);
    const ratio = stock && OURS.includes(m.target) && stock.load.okPerSecond > 0 ? `${(m.load.okPerSecond / stock.load.okPerSecond).toFixed(2)}×` : '';
    const failed = failuresOf(m);
    out.push(
      row(
        [
          QUERIES[m.scenario].title,
          m.target,
          String(m.connections),
          num(m.load.okPerSecond),
          ms(m.load.p50),
          ms(m.load.p99),
          memory(m.gateway),
          cores(m.gateway),
          memory(m.subgraphs),
          cores(m.subgraphs),
          cpuPerRequest(m),
          ratio,
          m.load.ok === 0 ? 'no answer !!' : failed === 0 ? '0' : `${num(failed)} !!`,
        ],
        w,
      ),
    );
  }
  out.push('  RSS: peak resident memory during the run (process tree; under tsx it includes the TypeScript compiler); CPU: cores busy on average (1.00 = one core);');
  out.push('  CPU ms/r: CPU time of the gateway and subgraph processes per correct answer (PostgreSQL and the load generator not included).');
  const loads = all.map((m) => Number(m.loadAverage.split(' ')[0]));
  if (loads.length > 0) {
    const busy = Math.max(...loads) > 2 ? ': other work was running, figures are lower and noisier than on an idle machine' : '';
    out.push(`  Load average (1 min) before the runs: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} on ${os.cpus().length} CPUs${busy}.`);
  }
  out.push('');
  out.push(...goals(all, options.connections));

  const failing = all.filter((m) => failuresOf(m) > 0 || m.load.ok === 0);
  if (failing.length > 0) {
    out.push('');
    out.push(`!!! ${failing.length} run(s) had failed requests or none answered; their figures count correct answers only and are not comparable:`);
    for (const m of failing) {
      const l = m.load;
      out.push(`!!!   ${m.scenario} via ${m.target} (${m.connections} conns): ${num(l.ok)} correct, ${num(l.non2xx)} non-2xx, ${num(l.badAnswers)} answers with errors, ${num(l.socketErrors)} socket errors/timeouts; statuses ${JSON.stringify(l.statusCodes)}`);
      if (l.firstBadAnswer) out.push(`!!!     first bad answer: ${l.firstBadAnswer.slice(0, 300)}`);
    }
  }
  return out.join('\n');
}

function goals(all: Measurement[], connections: number): string[] {
  const out: string[] = ['GOALS (issue 6, on this 2-core machine)'];
  const w = [64, 12, 16, 12];
  const line = (what: string, measured: string, goal: string, met: boolean | null, failed = false) =>
    out.push(row([`  ${what}`, measured, goal, met === null ? 'not measured' : failed ? 'NOT MET (errors)' : verdict(met)], w));

  for (const target of OURS) {
    const ours = find(all, 'a', target, connections);
    const stock = find(all, 'a', 'stock', connections);
    const ratio = ours && stock && stock.load.okPerSecond > 0 ? ours.load.okPerSecond / stock.load.okPerSecond : null;
    const failed = [ours, stock].some((m) => m && failuresOf(m) > 0);
    line(`(a) throughput, ${target} ÷ stock`, ratio === null ? '—' : `${ratio.toFixed(2)}×`, `≥ ${GOALS.throughputVsStock}×`, ratio === null ? null : ratio >= GOALS.throughputVsStock, failed);
  }
  for (const target of OURS) {
    for (const scenario of ['a', 'b'] as const) {
      const m = find(all, scenario, target, connections);
      const p99 = m?.load.p99 ?? null;
      line(`(${scenario}) p99 at ${connections} clients, ${target}`, p99 === null ? '—' : `${ms(p99)} ms`, `< ${GOALS.p99Ms} ms`, p99 === null ? null : p99 < GOALS.p99Ms, !!m && failuresOf(m) > 0);
    }
  }
  for (const target of [...OURS, 'stock' as const]) {
    const via = find(all, 'c', target, 1);
    const direct = find(all, 'c', 'direct', 1);
    const added = via?.load.p50 != null && direct?.load.p50 != null ? via.load.p50 - direct.load.p50 : null;
    const failed = [via, direct].some((m) => m && failuresOf(m) > 0);
    const what = `(c) added latency p50 at 1 client, ${target} − direct`;
    if (target === 'stock') out.push(row([`  ${what}`, added === null ? '—' : `${added.toFixed(2)} ms`, '(for reference)', ''], w));
    else line(what, added === null ? '—' : `${added.toFixed(2)} ms`, `< ${GOALS.addedP50Ms} ms`, added === null ? null : added < GOALS.addedP50Ms, failed);
  }
  const directLoaded = find(all, 'c', 'direct', connections);
  if (directLoaded) {
    const loaded = [...OURS, 'stock' as const]
      .map((t) => find(all, 'c', t, connections))
      .filter((m): m is Measurement => !!m)
      .map((m) => `${m.target} ${m.load.p50 === null || directLoaded.load.p50 === null ? '—' : signed(m.load.p50 - directLoaded.load.p50)} ms`);
    out.push(`  (c) the same at ${connections} clients (queueing included, for information): ${loaded.join(', ')}`);
  }
  if (connections !== GOALS.p99Connections) out.push(`  Note: the p99 goal is stated for ${GOALS.p99Connections} concurrent clients; this run used ${connections}.`);
  return out;
}
