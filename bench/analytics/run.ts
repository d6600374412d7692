/**
 * Analytics benchmark (issue: "funnels, retention and trends under 1 s at
 * 1,000,000 events and under 5 s at 10,000,000; ingestion through the batch
 * endpoint at 20,000 events/s"). Starts the platform on a fresh PostgreSQL
 * database, has an owner sign up and create a tenant through the gateway,
 * then measures, side by side in the same run:
 *   1. ingestion on the empty table: the SDK batch endpoint
 *      (POST /analytics/batch with the ingestion key from rotateIngestKey),
 *      a re-sent batch (all duplicates), and the trackEvents mutation with the
 *      same events; then those events are deleted;
 *   2. a generated load of --small events (SQL, not measured), then the funnel,
 *      retention and DAU trend queries through the gateway;
 *   3. the rest up to --events, the same queries again (10M / 1M ratio);
 *   4. ingestion again, into the loaded table (index maintenance grows with it).
 *
 *   pnpm bench:analytics [--events 10000000] [--small 1000000] [--ingest-events 200000]
 *                        [--batch 1000] [--concurrency 4] [--runs 5]
 *                        [--log-slow MS] [--explain MS] [--keep-database]   (diagnostics: see load.ts, logSlowStatements)
 *   pnpm bench:analytics --events 200000 --small 50000 --ingest-events 20000   # a quick check
 * Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh database, dropped at the end.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { num } from '../billing/report.js';
import { forkChild, startBenchPlatform } from '../harness.js';
import { expectType, graphqlClient, signUpOwner } from '../owner.js';
import type { IngestPhase, IngestRequest, PhaseResult } from './ingest-clients.js';
import { clearTenantEvents, type LoadResult, loadEvents, logSlowStatements, tableFigures } from './load.js';
import { available, QUERIES, type QueryResult, type QuerySpec, timeQuery } from './queries.js';
import { formatReport, type IngestionRound } from './report.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    events: { type: 'string', default: '10000000' },
    small: { type: 'string', default: '1000000' },
    'ingest-events': { type: 'string', default: '200000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    runs: { type: 'string', default: '5' },
    'log-slow': { type: 'string' },
    explain: { type: 'string' },
    'keep-database': { type: 'boolean', default: false },
  },
});
const LARGE = Number(args.events);
const SMALL = Math.min(LARGE, Number(args.small));
const INGEST = Number(args['ingest-events']);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const RUNS = Math.max(1, Number(args.runs));
const log = (line: string) => console.log(`[bench] ${line}`);
/** Other work on the machine skews the figures: the 1-minute load average is printed before each measured phase. */
const load1 = () => `load average ${loadavg()[0]!.toFixed(2)}`;

// The usage publisher (and the billing run) off: the figures are the measured work alone.
const bench = await startBenchPlatform({
  env: { ANALYTICS_USAGE_INTERVAL_SECONDS: '0', BILLING_RUN_INTERVAL_SECONDS: '0' },
  log,
  beforeStart: (url) =>
    logSlowStatements(url, { statementsMs: args['log-slow'] === undefined ? undefined : Number(args['log-slow']), plansMs: args.explain === undefined ? undefined : Number(args.explain) }),
});
const { platform, db, databaseUrl } = bench;
if (args['log-slow']) log(`statements over ${args['log-slow']} ms are logged (text and parameters) to the PostgreSQL server log`);
if (args.explain) log(`auto_explain: plans of statements over ${args.explain} ms go to the PostgreSQL server log`);
const gql = graphqlClient(platform.url);

async function ingest(label: string, key: string, token: string, seed: number): Promise<PhaseResult[]> {
  const phases: IngestPhase[] = [
    { label: 'batch endpoint', path: 'batch', batch: BATCH, concurrency: CONCURRENCY, events: INGEST, seed },
    { label: 're-sent batch', path: 'batch', batch: BATCH, concurrency: 1, events: 0, seed, resendOf: 'batch endpoint' },
    { label: 'trackEvents', path: 'trackEvents', batch: BATCH, concurrency: CONCURRENCY, events: INGEST, seed },
  ];
  log(`ingestion, ${label}: ${num(INGEST)} events, batches of ${num(BATCH)}, ${CONCURRENCY} concurrent clients (child process), batch endpoint then trackEvents; ${load1()}`);
  const clients = forkChild(import.meta.dirname, 'ingest-clients.ts');
  const results: PhaseResult[] = [];
  const finished = clients.next('finished', (m) => {
    if (m.kind !== 'phase') return;
    const r = m.result as PhaseResult;
    results.push(r);
    log(
      `  ${r.label}: ${num(r.events)} events in ${r.seconds.toFixed(2)} s = ${num(r.eventsPerSecond)}/s; batch p50 ${r.p50.toFixed(0)} ms p99 ${r.p99.toFixed(0)} ms; accepted ${num(r.accepted)}, duplicates ${num(r.duplicates)}, rejected ${num(r.rejected)}, errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}`,
    );
  });
  clients.process.send({ kind: 'ingest', url: platform.url, key, token, phases } satisfies IngestRequest);
  await finished;
  return results;
}

async function measure(specs: QuerySpec[], token: string, events: number): Promise<QueryResult[]> {
  log(`queries at ${num(events)} events: 1 warm-up + ${RUNS} runs each, one at a time; ${load1()}`);
  const results: QueryResult[] = [];
  for (const spec of specs) results.push(await timeQuery(gql, token, spec, RUNS, log));
  return results;
}

try {
  const { token, tenantId } = await signUpOwner(gql, 'analytics');
  const rotated = await gql<{ rotateIngestKey: { __typename: string; key: string } }>(
    'mutation { rotateIngestKey { __typename ... on IngestKey { key } ... on Error { message } } }',
    {},
    token,
  );
  const key = expectType(rotated.rotateIngestKey, 'IngestKey', 'rotateIngestKey').key;
  log(`tenant ${tenantId} created through the gateway; ingestion key ${key.slice(0, 8)}…`);

  // The queries are written alongside this benchmark: measure those the supergraph has.
  const missing = new Map<string, string>();
  for (const spec of QUERIES) {
    const problem = await available(gql, token, spec);
    if (problem) missing.set(spec.name, problem.includes('Cannot query field') ? 'not in the supergraph (run pnpm compose)' : problem);
  }
  const specs = QUERIES.filter((q) => !missing.has(q.name));
  for (const [name, problem] of missing) log(`query ${name} skipped: ${problem}`);

  // 1. Ingestion on the empty table, then back to nothing.
  const rounds: IngestionRound[] = [];
  const emptyPhases = await ingest('empty table', key, token, 1);
  const emptyRows = (await tableFigures(databaseUrl, tenantId)).rows;
  rounds.push({ table: 'empty table', phases: emptyPhases, storedOk: emptyRows === emptyPhases.reduce((sum, p) => sum + p.accepted, 0) });
  await clearTenantEvents(databaseUrl, tenantId);

  // 2. and 3. The load in two steps, the queries after each.
  const now = new Date();
  const loads: (LoadResult & { label: string })[] = [];
  const load = async (label: string, count: number, sessionBase: number) => {
    log(`loading ${num(count)} events (${label}) with INSERT … SELECT FROM generate_series in the tenant's scope`);
    const result = await loadEvents(db, databaseUrl, tenantId, { count, now, sessionBase, log });
    log(`  loaded in ${result.seconds.toFixed(1)} s (${num(result.events / result.seconds)}/s), VACUUM (ANALYZE) analytics.events ${result.vacuumSeconds.toFixed(1)} s`);
    loads.push({ ...result, label });
  };
  await load(`first ${num(SMALL)}`, SMALL, 0);
  const small = await measure(specs, token, SMALL);
  if (LARGE > SMALL) await load(`remaining ${num(LARGE - SMALL)}`, LARGE - SMALL, 1e12);
  const large = await measure(specs, token, LARGE);

  // 4. Ingestion into the loaded table.
  const loadedLabel = `${num(LARGE)} events`;
  const loadedPhases = await ingest(`table with ${loadedLabel}`, key, token, 2);
  const table = await tableFigures(databaseUrl, tenantId);
  rounds.push({ table: loadedLabel, phases: loadedPhases, storedOk: table.rows === LARGE + loadedPhases.reduce((sum, p) => sum + p.accepted, 0) });

  console.log('');
  console.log(formatReport({ small: SMALL, large: LARGE, runs: RUNS, queries: { small, large, specs: QUERIES, missing }, ingestion: rounds, loads, table }));
} finally {
  await bench.close({ keepDatabase: args['keep-database'] });
}
process.exit(0);
