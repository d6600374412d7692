/**
 * Load test of federated subscriptions: N WebSocket connections (one
 * subscription each) through the gateway, T tenants each sharing one
 * subscription (plus a few distinct ones), E events per second, every event
 * completed with an entity fetch to a second subgraph. Reports the gateway
 * process's RSS and the delivery latency seen by the clients.
 *
 *   pnpm exec tsx gateway/src/subscriptions/load-test.ts [connections=10000] [eventsPerSecond=500] [seconds=20] [tenants=100]
 *
 * The clients run in a child process (file descriptors and CPU apart from the gateway's).
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startHarness } from './test-fixtures.js';

const QUERY = 'subscription Ticked($c: String) { ticked(channel: $c) { n note owner { email } } }';

interface ClientJob {
  wsUrl: string;
  tokens: string[];
  connections: number;
  /** Every `distinctEvery`-th connection subscribes to its own channel. */
  distinctEvery: number;
}

type ClientReport = { kind: 'subscribed'; connections: number; failed: number } | { kind: 'warm'; received: number } | { kind: 'latency'; count: number; p50: number; p99: number; max: number; closes: Record<string, number>; clientCpuPercent: number };

const now = () => performance.timeOrigin + performance.now();

function channelOf(index: number, job: Pick<ClientJob, 'tokens' | 'distinctEvery'>): { tenant: number; channel: string } {
  const tenant = index % job.tokens.length;
  return { tenant, channel: index % job.distinctEvery === 0 ? `own-${index}` : `tenant-${tenant}` };
}

async function runClients(job: ClientJob): Promise<void> {
  const send = (report: ClientReport) => process.send?.(report);
  const received = new Uint8Array(job.connections);
  let latencies: number[] = [];
  let measuring = false;
  let failed = 0;
  const closes: Record<string, number> = {};
  let cpu = process.cpuUsage();
  let since = Date.now();
  for (let start = 0; start < job.connections; start += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, job.connections - start) }, async (_, k) => {
        const index = start + k;
        const { tenant, channel } = channelOf(index, job);
        const client = createClient({
          url: job.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: { authorization: `Bearer ${job.tokens[tenant]}` },
          on: {
            closed: (event) => {
              const code = String((event as { code: number }).code);
              closes[code] = (closes[code] ?? 0) + 1;
            },
          },
        });
        await new Promise<void>((resolve) => {
          client.subscribe(
            { query: QUERY, variables: { c: channel } },
            {
              next: (result) => {
                received[index] = 1;
                if (!measuring) return;
                const sentAt = Number((result.data as { ticked?: { note?: string } } | undefined)?.ticked?.note);
                if (sentAt) latencies.push(now() - sentAt);
              },
              error: () => void failed++,
              complete: () => {},
            },
          );
          client.on('connected', () => resolve());
          setTimeout(resolve, 10_000);
        });
      }),
    );
  }
  send({ kind: 'subscribed', connections: job.connections, failed });
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'warm?') send({ kind: 'warm', received: received.reduce((a, b) => a + b, 0) });
    if (message.kind === 'measure') {
      measuring = true;
      latencies = [];
      cpu = process.cpuUsage();
      since = Date.now();
    }
    if (message.kind === 'report') {
      measuring = false;
      latencies.sort((a, b) => a - b);
      const at = (q: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1));
      const used = process.cpuUsage(cpu);
      const clientCpuPercent = Math.round(((used.user + used.system) / 1e3 / (Date.now() - since)) * 100);
      send({ kind: 'latency', count: latencies.length, p50: at(0.5), p99: at(0.99), max: at(1), closes, clientCpuPercent });
      setTimeout(() => process.exit(0), 100);
    }
  });
}

async function runGateway(): Promise<void> {
  const [connections = 10_000, eventsPerSecond = 500, seconds = 20, tenantCount = 100] = process.argv.slice(2).map(Number);
  const harness = await startHarness();
  const tokens = await Promise.all(Array.from({ length: tenantCount }, (_, i) => harness.token(`tenant-${i}`)));
  const job: ClientJob = { wsUrl: harness.wsUrl, tokens, connections, distinctEvery: 50 };
  const rss = () => Math.round(process.memoryUsage().rss / 1_048_576);
  console.log(`gateway up, RSS ${rss()} MB; opening ${connections} connections over ${tenantCount} tenants`);

  const child = fork(new URL(import.meta.url), ['--clients'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const next = () => new Promise<ClientReport>((resolve) => child.once('message', (m) => resolve(m as ClientReport)));
  child.send(job);
  const subscribed = await next();
  console.log('subscribed', subscribed, `RSS ${rss()} MB`);

  const channels = [...new Set(Array.from({ length: connections }, (_, i) => channelOf(i, job).channel))];
  const own = channels.filter((c) => c.startsWith('own-'));
  for (let round = 0; ; round++) {
    for (const channel of channels) harness.pubsub.publish(channel, { n: -1, ownerId: 'warmup', note: '0' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.send({ kind: 'warm?' });
    const warm = await next();
    if (warm.kind === 'warm' && (warm.received >= connections || round > 20)) {
      console.log(`warm: ${warm.received}/${connections} subscriptions received an event; RSS ${rss()} MB`);
      break;
    }
  }
  global.gc?.();
  const idleRss = rss();

  // Gateway-side latency: from publish to the message handed to the client's socket.
  const sendLatencies: number[] = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
    const sentAt = typeof data === 'string' ? /"note":"([\d.]+)"/.exec(data)?.[1] : undefined;
    if (sentAt && sentAt !== '0') sendLatencies.push(now() - Number(sentAt));
    return (send as (...args: unknown[]) => void).call(this, data, ...rest);
  } as typeof send;
  // LOAD_TEST_PROFILE=file.cpuprofile profiles the measured phase only.
  const profiler = process.env.LOAD_TEST_PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let gcPauseMs = 0;
  let gcMaxMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauseMs += entry.duration;
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  child.send({ kind: 'measure' });
  let peakRss = idleRss;
  let n = 0;
  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // Catch up with the target rate whatever the timer's drift.
      const due = Math.floor(((Date.now() - startedAt) / 1_000) * eventsPerSecond);
      while (n < due) {
        // Mostly tenant-wide events (each reaches every subscriber of a tenant), a few for the distinct subscriptions.
        n++;
        const channel = n % 50 === 0 ? (own[(n / 50) % own.length] as string) : `tenant-${n % tenantCount}`;
        harness.pubsub.publish(channel, { n, ownerId: `user-${n % 1000}`, note: String(now()) });
      }
      if (n % eventsPerSecond === 0) peakRss = Math.max(peakRss, rss());
      if (Date.now() - startedAt >= seconds * 1_000) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const cpu = process.cpuUsage(cpuBefore);
  loopDelay.disable();
  gcObserver.disconnect();
  if (profiler) writeFileSync(process.env.LOAD_TEST_PROFILE as string, JSON.stringify((await profiler.post('Profiler.stop')).profile));
  child.send({ kind: 'report' });
  const latency = await next();
  sendLatencies.sort((a, b) => a - b);
  const q = (p: number) => Number((sendLatencies[Math.floor(p * (sendLatencies.length - 1))] ?? 0).toFixed(1));
  const elapsed = (Date.now() - startedAt) / 1000;
  console.log(
    JSON.stringify(
      {
        connections,
        tenants: tenantCount,
        groups: channels.length,
        eventsPublished: n,
        eventsPerSecond: Math.round(n / (elapsed - 1)),
        rssMbAfterSubscribe: idleRss,
        rssMbPeak: peakRss,
        gatewayCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 100),
        gatewaySendLatencyMs: { count: sendLatencies.length, p50: q(0.5), p99: q(0.99), max: q(1) },
        latencyMs: latency,
        eventLoopDelayMs: { p50: Math.round(loopDelay.percentile(50) / 1e6), p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
        gcMs: { total: Math.round(gcPauseMs), max: Math.round(gcMaxMs) },
      },
      null,
      2,
    ),
  );
  const closing = Date.now();
  await harness.close();
  console.log(`closed in ${Date.now() - closing} ms`);
  process.exit(0);
}

if (process.argv.includes('--clients')) process.once('message', (job) => void runClients(job as ClientJob));
else await runGateway();
