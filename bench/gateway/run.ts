/**
 * Gateway benchmark (issue 6): our gateway, embedded and distributed, next to
 * a stock @apollo/gateway on the same supergraph and subgraph processes, on a
 * fresh PostgreSQL database with generated data. Each gateway runs as its own
 * process and only the one under load is busy; autocannon runs in a child
 * process. Prints progress, then one table and the goals with MET / NOT MET.
 * Exits 0 when it measured (goals met or not), 1 when something broke.
 *
 *   pnpm bench [--connections 50] [--duration 10] [--warmup 3] [--customers 1000] [--csms 5]
 *              [--only a,b,c] [--gateways ours-embedded,ours-distributed,stock]
 *              [--gateway-env KEY=VALUE ...] [--cpu-profile DIR] [--keep-database]
 * Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh database, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createAccessTokenVerifier, generateSigningKeys, IDENTITY_HEADER, requestBodyHash, signIdentityHeader } from '@platform/core';
import { createAuthenticator } from '@platform/gateway/identity';
import type { Secrets } from '@platform/gateway/platform';
import { num } from '../billing/report.js';
import { createBenchDatabase, forkChild } from '../harness.js';
import { summariseProfiles } from './cpu-profiles.js';
import { graphqlClient } from '../owner.js';
import type { LoadResult, LoadRun } from './load.js';
import { loadAverage, ProcessSampler, postmasterPid } from './process-stats.js';
import { type ServerProcess, stopAllServers } from './processes.js';
import { bodiesOf, problemsOf, type RequestBody, type ScenarioKey } from './queries.js';
import { failuresOf, formatReport, type Measurement, ms, type Target } from './report.js';
import type { SeedProgress, SeedRequest, SeedResult } from './seed.js';
import { type ServerContext, type Subgraphs, startGateway, startSubgraphs } from './servers.js';
import { setUpTenant, tokenMinter } from './setup.js';

/**
 * Our gateway's settings in every run, in one place; --gateway-env KEY=VALUE adds to or overrides them.
 * The tenant is on the most generous tier, WHITE_LABEL, but even its cost bucket holds about one
 * list query (a) per second: the rate limiter would answer nearly every benchmark request with a
 * 429. Its bucket is made practically endless here, so the limiter still does its work on every
 * request (estimate, bucket update, extensions.cost) and the figures include that work, while
 * the load is what is measured, not the refusal.
 */
const OUR_GATEWAY_ENV: Record<string, string> = {
  GATEWAY_TIER_POLICIES: JSON.stringify({ WHITE_LABEL: { bucket: { capacity: 1_000_000_000, restoreRate: 1_000_000_000 } } }),
};

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    customers: { type: 'string', default: '1000' },
    csms: { type: 'string', default: '5' },
    only: { type: 'string', default: 'a,b,c' },
    gateways: { type: 'string', default: 'ours-embedded,ours-distributed,stock' },
    'gateway-env': { type: 'string', multiple: true, default: [] },
    'cpu-profile': { type: 'string' },
    'keep-database': { type: 'boolean', default: false },
  },
});
const log = (line: string) => console.log(`[bench] ${line}`);
const listOf = <T extends string>(flag: string, value: string, allowed: readonly T[]): T[] => {
  const items = value.split(',').map((s) => s.trim()) as T[];
  const bad = items.filter((i) => !allowed.includes(i));
  if (bad.length > 0) throw new Error(`--${flag}: unknown ${bad.join(', ')} (allowed: ${allowed.join(', ')})`);
  return items;
};
const CONNECTIONS = Number(args.connections);
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const CUSTOMERS = Number(args.customers);
const scenarios = listOf('only', args.only, ['a', 'b', 'c'] as const);
const gateways = listOf('gateways', args.gateways, ['ours-embedded', 'ours-distributed', 'stock'] as const);
const ourGatewayEnv = { ...OUR_GATEWAY_ENV };
for (const pair of args['gateway-env']) {
  const at = pair.indexOf('=');
  if (at < 1) throw new Error(`--gateway-env ${pair}: expected KEY=VALUE`);
  ourGatewayEnv[pair.slice(0, at)] = pair.slice(at + 1);
}
// Straight to the subgraph between the embedded runs (subgraph processes not yet started) and the ones that use those processes.
const order: Target[] = [
  ...(gateways.includes('ours-embedded') ? (['ours-embedded'] as const) : []),
  ...(scenarios.includes('c') ? (['direct'] as const) : []),
  ...gateways.filter((g) => g !== 'ours-embedded'),
];

log(`${os.cpus().length} CPUs, load average ${loadAverage()}, Node ${process.version}`);
log(`scenarios ${scenarios.join(',')}; order ${order.join(' → ')}; ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per run; ${num(CUSTOMERS)} customers`);
if (Object.keys(ourGatewayEnv).length > 0) log(`our gateway's extra settings: ${JSON.stringify(ourGatewayEnv)}`);
if (args['cpu-profile']) log(`CPU profiles of every gateway process go to ${args['cpu-profile']}/<gateway>/ (profiling slows every gateway; compare runs made without it)`);

const database = await createBenchDatabase({ log, onInterrupt: stopAllServers });
// Generated here rather than with the gateway's testSecrets(): importing platform.ts would load the whole platform into this process.
const keys = await generateSigningKeys();
const secrets: Secrets = { internalSecret: randomBytes(32).toString('base64url'), jwtPrivateKeyPem: keys.privateKeyPem, jwtPublicKeyPem: keys.publicKeyPem };
const ctx: ServerContext = { databaseUrl: database.databaseUrl, secrets, ourGatewayEnv, cpuProfileDir: args['cpu-profile'], log };

/** Stops a gateway; with --cpu-profile, then summarises the profiles a measured one wrote on exit. */
const stopGateway = async (server: ServerProcess) => {
  await server.stop();
  const measured = (gateways as string[]).includes(server.name);
  if (args['cpu-profile'] && measured) for (const line of await summariseProfiles(args['cpu-profile'], server.name, server.startedAt)) log(line);
};
const postgres = postmasterPid();
const cores = (f: { cores: number } | undefined) => (f ? f.cores.toFixed(2) : '—');
let broken = false;
const measurements: Measurement[] = [];
const loader = forkChild(import.meta.dirname, 'load.ts');
try {
  log('starting our gateway (embedded; it applies the migrations); the setup goes through it');
  // Profiled only if it is also measured.
  const embeddedCtx = gateways.includes('ours-embedded') ? ctx : { ...ctx, cpuProfileDir: undefined };
  let embedded: ServerProcess | null = await startGateway('ours-embedded', embeddedCtx, null);
  const tenant = await setUpTenant(graphqlClient(embedded.url), secrets, Number(args.csms), log);

  const seeder = forkChild(import.meta.dirname, 'seed.ts');
  let shownFifth = -1;
  const seeded = seeder.next<SeedResult>('done', (m) => {
    const p = m as SeedProgress;
    const fifth = Math.floor((p.rows / p.total) * 5);
    if (p.kind !== 'progress' || fifth <= shownFifth) return;
    shownFifth = fifth;
    log(`  seeding: ${num(p.rows)} / ${num(p.total)} customers (scores, subscriptions)`);
  });
  seeder.process.send({ kind: 'seed', databaseUrl: database.databaseUrl, tenantId: tenant.tenantId, customers: CUSTOMERS, csmUserIds: tenant.csmUserIds, prices: tenant.prices } satisfies SeedRequest);
  const { customerIds, scored, seconds } = await seeded;
  log(`seeded ${num(customerIds.length)} customers (${num(scored)} with a health score), one subscription each, in ${seconds.toFixed(1)} s, then VACUUM (ANALYZE)`);

  const mintToken = tokenMinter(secrets, tenant.claims);
  const verifier = createAccessTokenVerifier({ publicKeyPem: secrets.jwtPublicKeyPem });
  const identityOf = async (token: string) =>
    createAuthenticator(verifier)({ authorization: `Bearer ${token}`, requestId: 'bench', clientIp: '127.0.0.1', userAgent: 'bench' });
  const expectedListLength = Math.min(50, CUSTOMERS);
  const reference = new Map<string, string>();

  /** Headers of one request to a target; straight to the subgraph they carry a signed identity instead of the token. */
  const headersFor = async (target: Target, body: RequestBody): Promise<Record<string, string>> => {
    const token = await mintToken();
    if (target !== 'direct') return { authorization: `Bearer ${token}` };
    return { [IDENTITY_HEADER]: signIdentityHeader({ ...(await identityOf(token)), requestId: crypto.randomUUID() }, { secret: secrets.internalSecret, bodyHash: requestBodyHash(body) }) };
  };

  /** Full check of a few answers of each scenario, and the same data from every target. */
  const checkAnswers = async (target: Target, url: string, keys: ScenarioKey[]): Promise<boolean> => {
    let ok = true;
    for (const scenario of keys) {
      const bodies = bodiesOf(scenario, customerIds);
      for (const body of [bodies[0]!, bodies[bodies.length - 1]!]) {
        const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await headersFor(target, body)) }, body: JSON.stringify(body) });
        const answer = (await response.json()) as { data?: unknown; errors?: unknown };
        const problems = response.ok ? problemsOf(scenario, body, answer, expectedListLength) : [`HTTP ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`];
        const key = `${scenario} ${JSON.stringify(body.variables)}`;
        const data = JSON.stringify(answer.data);
        if (problems.length === 0 && !reference.has(key)) reference.set(key, data);
        else if (problems.length === 0 && reference.get(key) !== data) problems.push('different data than the first target answered');
        if (problems.length > 0) {
          ok = false;
          log(`  ANSWER CHECK FAILED (${scenario} via ${target}): ${problems.join('; ')}`);
        }
      }
    }
    if (ok) log(`  answers checked (${target}): ${keys.join(', ')} complete and the same as the first target's`);
    return ok;
  };

  const measure = async (scenario: ScenarioKey, target: Target, url: string, connections: number, subgraphs: Subgraphs | null, gateway: ServerProcess | null) => {
    const bodies = bodiesOf(scenario, customerIds);
    const token = await mintToken();
    const run: LoadRun = {
      kind: 'run',
      url,
      connections,
      warmupSeconds: WARMUP,
      durationSeconds: DURATION,
      bodies,
      headers: target === 'direct' ? {} : { authorization: `Bearer ${token}` },
      ...(target === 'direct' ? { sign: { secret: secrets.internalSecret, identity: await identityOf(token) } } : {}),
    };
    const loadAvg = loadAverage();
    log(`${scenario} via ${target}, ${connections} connections: ${WARMUP} s warm-up, then ${DURATION} s measured (load average ${loadAvg})`);
    // Memory and CPU are sampled over the measured part only (the child says when the warm-up ends).
    const groups: Record<string, number[]> = {
      ...(gateway ? { gateway: [gateway.pid] } : {}),
      ...(subgraphs && target !== 'ours-embedded' ? { subgraphs: Object.values(subgraphs).map((s) => s.pid) } : {}),
      loadGenerator: [loader.process.pid!],
      ...(postgres ? { postgres: [postgres] } : {}),
    };
    const sampling: { sampler: ProcessSampler | null } = { sampler: null };
    const done = loader.next<LoadResult>('result', (message) => {
      if (message.kind === 'measuring') sampling.sampler = new ProcessSampler(groups);
    });
    loader.process.send(run);
    const result = await done;
    const figures = sampling.sampler?.stop() ?? {};
    const m: Measurement = { scenario, target, connections, load: result, gateway: figures.gateway ?? null, subgraphs: figures.subgraphs ?? null, loadAverage: loadAvg };
    measurements.push(m);
    const failed = failuresOf(m);
    log(
      `  → ${num(m.load.okPerSecond)} req/s, p50 ${ms(m.load.p50)} ms, p99 ${ms(m.load.p99)} ms` +
        (m.gateway ? `; gateway RSS ${(m.gateway.peakRssBytes / 2 ** 20).toFixed(0)} MB, ${m.gateway.cores.toFixed(2)} cores` : '') +
        (m.subgraphs ? `; subgraphs RSS ${(m.subgraphs.peakRssBytes / 2 ** 20).toFixed(0)} MB, ${m.subgraphs.cores.toFixed(2)} cores` : '') +
        `; load generator ${cores(figures.loadGenerator)} cores, PostgreSQL (whole server) ${cores(figures.postgres)} cores` +
        (failed > 0 ? `; !!! ${num(failed)} FAILED requests: ${m.load.firstBadAnswer ?? 'socket errors'}` : '; 0 failed') +
        (m.load.ok === 0 ? '; !!! NO CORRECT ANSWER within the run' : ''),
    );
  };

  let subgraphs: Subgraphs | null = null;
  for (const target of order) {
    if (target !== 'ours-embedded' && embedded) {
      await stopGateway(embedded);
      embedded = null;
    }
    if (target !== 'ours-embedded' && !subgraphs) {
      log('starting the four subgraph processes');
      subgraphs = await startSubgraphs(ctx);
    }
    if (target === 'ours-distributed' || target === 'stock') log(`starting ${target}`);
    const server = target === 'direct' ? null : target === 'ours-embedded' ? embedded! : await startGateway(target, ctx, subgraphs);
    const url = server?.url ?? subgraphs!['customer-success'].url;
    const keys = target === 'direct' ? (['c'] as ScenarioKey[]) : scenarios;
    if (!(await checkAnswers(target, url, keys))) {
      broken = true;
      log(`  skipping the runs via ${target}: its answers are wrong`);
    } else {
      for (const scenario of keys) {
        await measure(scenario, target, url, CONNECTIONS, subgraphs, server);
        if (scenario === 'c') await measure(scenario, target, url, 1, subgraphs, server);
      }
    }
    if (server && target !== 'ours-embedded') await stopGateway(server);
  }
  if (embedded) await stopGateway(embedded);

  console.log('');
  console.log(formatReport(measurements, { connections: CONNECTIONS, durationSeconds: DURATION, customers: CUSTOMERS }));
  if (measurements.some((m) => m.load.ok === 0)) broken = true;
} catch (err) {
  broken = true;
  console.error(err);
} finally {
  loader.process.kill();
  await stopAllServers();
  if (args['keep-database']) log(`database kept: ${database.databaseUrl} (drop it with DROP DATABASE ${new URL(database.databaseUrl).pathname.slice(1)})`);
  else await database.drop();
}
process.exit(broken ? 1 : 0);
