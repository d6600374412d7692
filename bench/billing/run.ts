/**
 * Billing benchmark (issue: "a billing run over 10,000 active subscriptions,
 * one third metered with 1,000,000 usage events in the period, on PostgreSQL:
 * under 30 s and under 500 MB; usage ingestion through the gateway: 20,000
 * events/s"). Starts the platform on a fresh PostgreSQL database, sets a
 * tenant up through the gateway, bulk-seeds the subscriptions and usage (not
 * measured), then measures, side by side in the same run:
 *   1. the billing run (`runBilling` through the gateway, or `runTenant` in
 *      process with --in-process): wall time, invoices/s, peak RSS, and checks
 *      every invoice against what was seeded; next to the same work done one
 *      subscription per transaction on a smaller tenant, extrapolated;
 *   2. usage ingestion (`recordUsage` over HTTP from concurrent clients in a
 *      child process): events/s, batch latency, idempotency, batch sizes.
 *
 *   pnpm bench:billing [--subscriptions 10000] [--usage 1000000] [--batch 1000] [--concurrency 4]
 *                      [--ingest-events 200000] [--sweep-events 100000] [--baseline-subscriptions 500] [--in-process]
 *                      [--cpu-profile DIR]   (V8 CPU profiles of the billing run and the first ingestion phase)
 * Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh database, dropped at the end.
 */
import { parseArgs } from 'node:util';
import { billingSubgraph } from '@platform/billing';
import { inScope, transactionExecutor } from '../../db/src/index.js';
import { forkChild, startBenchPlatform } from '../harness.js';
import { billOneAtATime } from './baseline.js';
import { type Check, checkInvoices } from './checks.js';
import type { IngestPhase, IngestRequest, PhaseResult } from './ingest-clients.js';
import { METER } from './plan.js';
import { startProfile } from './profile.js';
import { formatReport, mb, memory, num, RssSampler } from './report.js';
import type { SeedNote, SeedProgress, SeedRequest, SeedResult } from './seed.js';
import { graphqlClient, setUpTenant } from './tenant.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    subscriptions: { type: 'string', default: '10000' },
    usage: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    'ingest-events': { type: 'string', default: '200000' },
    'sweep-events': { type: 'string', default: '100000' },
    'baseline-subscriptions': { type: 'string', default: '500' },
    'in-process': { type: 'boolean', default: false },
    'cpu-profile': { type: 'string' },
  },
});
const N = Number(args.subscriptions);
const USAGE = Number(args.usage);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const INGEST = Number(args['ingest-events']);
const SWEEP = Number(args['sweep-events']);
const BASELINE_N = Math.min(N, Number(args['baseline-subscriptions']));
const log = (line: string) => console.log(`[bench] ${line}`);

// No scheduled billing run: the benchmark starts the one it measures.
const bench = await startBenchPlatform({ env: { BILLING_RUN_INTERVAL_SECONDS: '0' }, log });
const { platform, db, databaseUrl } = bench;
const child = (file: string) => forkChild(import.meta.dirname, file);

async function seed(catalog: SeedRequest['catalog'], subscriptions: number, usage: number, label: string): Promise<SeedResult> {
  const seeder = child('seed.ts');
  const shown = new Map<string, number>();
  const done = seeder.next<SeedResult>('done', (m) => {
    if (m.kind === 'note') return log(`  seeding ${label}: ${(m as SeedNote).text}`);
    const p = m as SeedProgress;
    const decile = Math.floor((p.rows / p.total) * 10);
    if (p.kind !== 'progress' || (shown.get(p.phase) ?? -1) >= decile) return;
    shown.set(p.phase, decile);
    log(`  seeding ${label}: ${p.phase} ${num(p.rows)} / ${num(p.total)}, ${num(p.rowsPerSecond)}/s`);
  });
  seeder.process.send({ kind: 'seed', databaseUrl, catalog, subscriptions, usage, now: new Date().toISOString(), label } satisfies SeedRequest);
  const result = await done;
  log(`  seeded ${label}: ${num(result.subscriptions)} subscriptions (${num(result.metered)} metered), ${num(result.events)} usage events in ${result.seconds.toFixed(1)} s`);
  return result;
}

function printChecks(title: string, checks: Check[]): boolean {
  log(title);
  for (const c of checks) log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return checks.every((c) => c.ok);
}

const gql = graphqlClient(platform.url);
try {
  // Setup through the gateway, then bulk seeding (not measured).
  const main = await setUpTenant(gql, 'main');
  const sample = await setUpTenant(gql, 'baseline');
  log(`tenants ${main.catalog.tenantId} (measured) and ${sample.catalog.tenantId} (baseline sample), catalogue created through the gateway`);
  const seededMain = await seed(main.catalog, N, USAGE, 'measured tenant');
  const sampleUsage = Math.round((USAGE * BASELINE_N) / N);
  const seededSample = await seed(sample.catalog, BASELINE_N, sampleUsage, 'baseline tenant');

  // 1. The billing run.
  await new Promise((r) => setTimeout(r, 1_000));
  const rss = new RssSampler(50);
  const rssBefore = process.memoryUsage().rss;
  const asOf = new Date();
  const runProfile = await startProfile(args['cpu-profile']);
  let invoicesCreated = 0;
  let mode: string;
  const started = performance.now();
  if (args['in-process']) {
    mode = 'BillingRunService.runTenant in process (onProgress per batch)';
    log(`billing run: ${mode}`);
    const services = billingSubgraph({ db, live: platform.live }).services;
    let last = performance.now();
    const result = await services.billingRun.runTenant(main.catalog.tenantId, asOf, (p) => {
      const now = performance.now();
      log(`  batch done: ${num(p.invoicesCreated)} / ${num(N)} invoices, batch ${(now - last).toFixed(0)} ms, ${num(p.invoicesCreated / ((now - started) / 1000))}/s, ${memory()}`);
      last = now;
    });
    invoicesCreated = result.invoicesCreated;
  } else {
    mode = 'runBilling mutation through the gateway (progress polled from the database every second)';
    log(`billing run: ${mode}`);
    let seen = 0;
    const poll = setInterval(() => {
      void inScope(db, { tenantId: main.catalog.tenantId, accountId: null }, (tx) => transactionExecutor(tx).executeSql('SELECT count(*) AS n FROM billing.invoices')).then((r) => {
        const n = Number(r.rows[0]!.n);
        if (n === seen) return;
        seen = n;
        log(`  ${num(n)} / ${num(N)} invoices committed, ${((performance.now() - started) / 1000).toFixed(1)} s, ${memory()}`);
      });
    }, 1_000);
    try {
      const r = await gql<{ runBilling: { __typename: string; invoicesCreated: number; periodsClosed: number; message?: string } }>(
        'mutation { runBilling { __typename ... on BillingRunResult { periodsClosed invoicesCreated } ... on Error { message } } }',
        {},
        main.token,
      );
      if (r.runBilling.__typename !== 'BillingRunResult') throw new Error(`runBilling: ${JSON.stringify(r.runBilling)}`);
      invoicesCreated = r.runBilling.invoicesCreated;
    } finally {
      clearInterval(poll);
    }
  }
  const runSeconds = (performance.now() - started) / 1000;
  const runPeak = rss.peak;
  for (const line of (await runProfile?.('billing-run')) ?? []) log(line);
  // The invoices' events are relayed by the event bus after the run; its memory shows here.
  await new Promise((r) => setTimeout(r, 5_000));
  const afterPeak = rss.stop();
  log(`billing run: ${num(invoicesCreated)} invoices in ${runSeconds.toFixed(2)} s (${num(invoicesCreated / runSeconds)}/s)`);
  log(`  RSS before ${mb(rssBefore)}, peak during the run ${mb(runPeak)} (+${mb(runPeak - rssBefore)}), peak incl. 5 s after (event relay) ${mb(afterPeak)}`);
  const mainOk = printChecks('checks (measured tenant):', await checkInvoices(db, main.catalog.tenantId, asOf, seededMain));

  // Baseline: the same work one subscription per transaction, on the sample tenant.
  log(`baseline: one subscription per transaction, ${num(BASELINE_N)} subscriptions (${num(seededSample.metered)} metered, ${num(seededSample.events)} events)`);
  const baselineStarted = performance.now();
  const baselineInvoices = await billOneAtATime(db, sample.catalog.tenantId, new Date(), (done, total) => {
    if (done % 100 === 0 || done === total) log(`  ${done} / ${total} (${num(done / ((performance.now() - baselineStarted) / 1000))}/s)`);
  });
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;
  const baselineOk = printChecks('checks (baseline tenant):', await checkInvoices(db, sample.catalog.tenantId, asOf, seededSample));

  // 2. Ingestion through the gateway.
  const runId = Date.now().toString(36);
  const phases: IngestPhase[] = [
    { label: 'main', batch: BATCH, concurrency: CONCURRENCY, events: INGEST, prefix: `${runId}-main` },
    { label: 'resend', batch: BATCH, concurrency: 1, events: 0, prefix: '', resendOf: 'main' },
    ...[100, 1_000, 5_000].map((size) => ({ label: `batch ${size}`, batch: size, concurrency: CONCURRENCY, events: SWEEP, prefix: `${runId}-b${size}` })),
  ];
  log(`ingestion: ${num(INGEST)} events, batches of ${num(BATCH)}, ${CONCURRENCY} concurrent clients (child process) → POST /graphql recordUsage`);
  const clients = child('ingest-clients.ts');
  const results: PhaseResult[] = [];
  let ingestProfile = await startProfile(args['cpu-profile']);
  const ingestRss = new RssSampler(50);
  const finished = clients.next('finished', (m) => {
    if (m.kind !== 'phase') return;
    const r = m.result as PhaseResult;
    results.push(r);
    // Only the first phase is profiled.
    void ingestProfile?.('ingestion').then((lines) => {
      for (const line of lines) log(line);
    });
    ingestProfile = null;
    log(`  ${r.label}: ${num(r.events)} events in ${r.seconds.toFixed(2)} s = ${num(r.eventsPerSecond)}/s; batch p50 ${r.p50.toFixed(0)} ms p99 ${r.p99.toFixed(0)} ms; accepted ${num(r.accepted)}, duplicates ${num(r.duplicates)}, errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}`);
  });
  clients.process.send({ kind: 'ingest', url: platform.url, token: main.token, meter: METER, customers: seededMain.meteredCustomers, phases } satisfies IngestRequest);
  await finished;
  const ingestPeak = ingestRss.stop();
  const stored = await inScope(db, { tenantId: main.catalog.tenantId, accountId: null }, (tx) =>
    transactionExecutor(tx).executeSql('SELECT count(*) AS n FROM billing.usage_events WHERE identifier LIKE $1', [`${runId}-%`]),
  );
  const storedCount = Number(stored.rows[0]!.n);
  const acceptedTotal = results.reduce((s, r) => s + r.accepted, 0);
  log(`  stored with this run's identifiers: ${num(storedCount)} (accepted ${num(acceptedTotal)}); platform RSS peak during ingestion ${mb(ingestPeak)}`);

  console.log('');
  console.log(
    formatReport({
      n: N,
      usage: USAGE,
      mode,
      run: { seconds: runSeconds, invoices: invoicesCreated, rssBefore, rssPeak: runPeak, checksOk: mainOk },
      baseline: { n: BASELINE_N, seconds: baselineSeconds, invoices: baselineInvoices, checksOk: baselineOk },
      ingestion: results,
      storedOk: storedCount === acceptedTotal,
    }),
  );
} finally {
  await bench.close();
}
process.exit(0);
