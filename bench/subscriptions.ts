/**
 * Subscription benchmark (issue 3): N graphql-ws subscriptions held through the
 * gateway, health-score changes driven at a fixed rate by publishing
 * `usage.recorded@1` events the way analytics will, and, side by side in the
 * same run:
 *   - pipeline: write → score recomputed by the consumer → event relayed to the
 *     customer-success live hub (in process, no gateway, no WebSocket);
 *   - end to end: write → the client, through the gateway's federated
 *     subscription (customer from customer-success, owner.email from tenancy).
 * Prints subscriptions held, events/s, deliveries/s, latency p50/p99, RSS.
 *
 *   pnpm bench:subscriptions [--subscriptions 10000] [--customers 1000] [--rate 500] [--seconds 20]
 * Uses DATABASE_URL (a fresh database on that server), or PGlite with --pglite.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@platform/core';
import { startPlatform, testSecrets } from '@platform/gateway/platform';
import { loadGatewaySettings } from '@platform/gateway/settings';
import { createTestDatabase } from '../tests/support/database.js';
import { createProducerOutbox, PRODUCER_SCHEMA, publishEvents } from '../tests/support/producer.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    subscriptions: { type: 'string', default: '10000' },
    customers: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    pglite: { type: 'boolean', default: false },
  },
});
const N = Number(args.subscriptions);
const K = Number(args.customers);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const log = (line: string) => console.log(`[bench] ${line}`);

// A fresh database so runs do not see each other's data (dropped at the end).
if (args.pglite) delete process.env.DATABASE_URL;
else process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
const testDatabase = await createTestDatabase();
const databaseUrl = testDatabase.databaseUrl;

const settings = loadGatewaySettings([], { PORT: '0', DATA_DIR: 'memory://', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
const platform = await startPlatform(settings, {
  logger: createLogger('bench', 'warn'),
  secrets: await testSecrets(),
  quota: false,
  prepareDatabase: (db) => createProducerOutbox(db, databaseUrl),
  extraEventSources: [PRODUCER_SCHEMA],
});
const database = platform.database!;
log(`platform up at ${platform.url} on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}`);

async function gql<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(`${platform.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

// An owner, a tenant and K customers owned by that owner (owner.email lives in tenancy).
const email = `bench.${Date.now()}@example.com`;
const signUp = await gql<{ signUp: { accessToken: string } }>(
  'mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthSession { accessToken } } }',
  { input: { email, name: 'Bench Owner', password: 'Tr0ub4dor&3-horse' } },
);
const created = await gql<{ createTenant: { tenant: { id: string }; session: { accessToken: string } } }>(
  'mutation($input: CreateTenantInput!) { createTenant(input: $input) { ... on CreateTenantPayload { tenant { id } session { accessToken } } } }',
  { input: { name: 'Bench Tenant', slug: `bench-${Date.now()}`, tier: 'WHITE_LABEL' } },
  signUp.signUp.accessToken,
);
const token = created.createTenant.session.accessToken;
const tenantId = created.createTenant.tenant.id;
const viewer = await gql<{ viewer: { user: { id: string } } }>('{ viewer { user { id } } }', {}, token);
const ownerUserId = viewer.viewer.user.id;
const customers: string[] = [];
for (let i = 0; i < K; i++) {
  const r = await gql<{ createCustomer: { id: string } }>(
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ... on Customer { id } } }',
    { input: { name: `Customer ${i}`, segment: 'SMB', ownerUserId } },
    token,
  );
  customers.push(r.createCustomer.id);
}
log(`${K} customers created`);

// Usage that alternates between two levels, so every write changes the score.
let sequence = 0;
function usage(customerId: string, high: boolean) {
  sequence++;
  const end = new Date(Date.now() + sequence);
  return {
    customerId,
    periodStart: new Date(end.getTime() - 30 * 86_400_000).toISOString(),
    periodEnd: end.toISOString(),
    dailyActiveUsers: high ? 40 : 2,
    weeklyActiveUsers: high ? 45 : 4,
    monthlyActiveUsers: high ? 50 : 5,
    licensedSeats: 50,
    eventCount: high ? 5_000 : 50,
    sessionCount: high ? 900 : 10,
    featuresUsed: high ? ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] : ['a'],
    featuresAvailable: 10,
    lastActivityAt: end.toISOString(),
  };
}

// Pipeline latency: the same events as the live hub of customer-success sees them.
const writeTimes = new Map<string, number[]>();
const hubLatencies: number[] = [];
const hubSeen = new Map<string, number>();
const hubIterator = platform.live.subscribe('customer_success', (e) => e.type === 'health_score.changed@1' && e.tenantId === tenantId);
let measuring = false;
let primed = 0;
void (async () => {
  for await (const event of hubIterator) {
    if (!measuring) {
      primed++;
      continue;
    }
    const customer = (event.payload as { customerId: string }).customerId;
    const n = hubSeen.get(customer) ?? 0;
    hubSeen.set(customer, n + 1);
    const written = writeTimes.get(customer)?.[n];
    if (written !== undefined) hubLatencies.push(Date.now() - written);
  }
})();

// Prime: one score per customer, and wait until every customer has one.
for (let i = 0; i < K; i += 100) await publishEvents(database, tenantId, customers.slice(i, i + 100).map((c) => ({ type: 'usage.recorded@1' as const, payload: usage(c, false) })));
for (let waited = 0; primed < K && waited < 120_000; waited += 200) await new Promise((res) => setTimeout(res, 200));
log('every customer has a first score');

// The clients, in their own process.
const child = fork(path.join(import.meta.dirname, 'subscription-clients.ts'), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const messages: ((m: Record<string, unknown>) => void)[] = [];
child.on('message', (m: Record<string, unknown>) => {
  if (m.kind === 'progress' && Number(m.held) % 2000 === 0) log(`${m.held} subscriptions open`);
  for (const listener of messages) listener(m);
});
const nextMessage = (kind: string) => new Promise<Record<string, unknown>>((resolve) => messages.push((m) => m.kind === kind && resolve(m)));
const openedAt = Date.now();
child.send({ kind: 'open', config: { wsUrl: `${platform.url.replace('http', 'ws')}/graphql`, token, subscriptions: N, customers } });
const ready = await nextMessage('ready');
log(`${ready.held} subscriptions held (opened in ${((Date.now() - openedAt) / 1000).toFixed(1)} s)`);

let peakRss = process.memoryUsage().rss;
const rssSampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 200);

// Drive: RATE writes per second in 20 ms ticks, each tick one producer transaction.
measuring = true;
const tickMs = 20;
const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
const level = new Map<string, boolean>();
let written = 0;
let cursor = 0;
const started = Date.now();
while (Date.now() - started < SECONDS * 1000) {
  const tickStart = Date.now();
  const batch = [];
  for (let i = 0; i < perTick; i++) {
    const c = customers[cursor++ % K]!;
    const high = !(level.get(c) ?? false);
    level.set(c, high);
    batch.push({ type: 'usage.recorded@1' as const, payload: usage(c, high) });
  }
  await publishEvents(database, tenantId, batch);
  const at = Date.now();
  const forChild = batch.map((b) => {
    const list = writeTimes.get(b.payload.customerId) ?? [];
    list.push(at);
    writeTimes.set(b.payload.customerId, list);
    return { customer: b.payload.customerId, index: list.length - 1, at };
  });
  child.send({ kind: 'writes', write: forChild });
  written += batch.length;
  const spent = Date.now() - tickStart;
  if (spent < tickMs) await new Promise((r) => setTimeout(r, tickMs - spent));
}
const driveSeconds = (Date.now() - started) / 1000;
log(`wrote ${written} usage events in ${driveSeconds.toFixed(1)} s (${(written / driveSeconds).toFixed(0)}/s); draining`);
await new Promise((r) => setTimeout(r, 5_000));
clearInterval(rssSampler);

child.send({ kind: 'report' });
const report = await nextMessage('report');
const sorted = [...hubLatencies].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const expected = written * (N / K);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
console.log('');
console.log(`subscriptions held            ${ready.held} (${report.closedEarly} closed early, ${report.errors} errors)`);
console.log(`score changes written         ${written} (${(written / driveSeconds).toFixed(0)}/s)`);
console.log(`score changes at the hub      ${hubLatencies.length} (${((hubLatencies.length / written) * 100).toFixed(1)} %)`);
console.log(`deliveries to clients         ${report.received} of ${expected.toFixed(0)} expected (${(Number(report.received) / driveSeconds).toFixed(0)}/s)`);
console.log('');
console.log('latency (ms)                  p50      p99      max');
console.log(`pipeline (write → hub)        ${String(pct(50)).padEnd(8)} ${String(pct(99)).padEnd(8)} ${sorted.at(-1)}`);
console.log(`end to end (write → client)   ${String(report.p50).padEnd(8)} ${String(report.p99).padEnd(8)} ${report.max}`);
console.log(`gateway share of p50          ${(Number(report.p50) - pct(50)).toFixed(0)} ms (ratio end-to-end/pipeline ${(Number(report.p50) / pct(50)).toFixed(2)})`);
console.log('');
console.log(`platform RSS (gateway + subgraphs + bus, one process)  peak ${mb(peakRss)}`);
console.log(`client process RSS                                     ${mb(Number(report.rss))}`);

child.send({ kind: 'close' });
await hubIterator.return?.();
await platform.close();
await testDatabase.drop();
process.exit(0);
