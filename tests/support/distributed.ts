/**
 * A distributed deployment around a running test platform, for tests of the
 * gateway's distributed mode: the platform's subgraphs served over HTTP
 * (`listenSubgraph`, in this process, over the platform's database), billing
 * also as its own process (`pnpm --filter @platform/billing start`, real
 * PostgreSQL only: PGlite cannot be shared between processes), gateways in
 * distributed mode in front of them, and a proxy that delays a subgraph.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { analyticsSubgraph } from '@platform/analytics';
import { billingSubgraph } from '@platform/billing';
import { type BaseContext, createAccessTokenIssuer, createLiveEventHub, createLogger, listenSubgraph, type SubgraphDefinition, startSubgraphRuntime } from '@platform/core';
import { customerSuccessSubgraph } from '@platform/customer-success';
import { REPO_ROOT, startPlatform } from '@platform/gateway/platform';
import { loadGatewaySettings } from '@platform/gateway/settings';
import { tenancySubgraph } from '@platform/tenancy';
import type { GraphQLResult, TestPlatform } from './platform.js';
import { waitFor } from './wait.js';

const LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
const logger = createLogger('test', LOG_LEVEL);

export type SubgraphName = 'tenancy' | 'customer-success' | 'billing' | 'analytics';

/** A subgraph served over HTTP that the test can stop (like a crash: open connections are cut) and start again on the same port. */
export interface SubgraphServer {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** The platform's subgraphs, built again over its database, as a separate deployment of them would be. */
function definition(p: TestPlatform, name: SubgraphName): SubgraphDefinition<BaseContext> {
  const db = p.platform.database!.db;
  const live = createLiveEventHub();
  switch (name) {
    case 'tenancy':
      return tenancySubgraph({ db, tokens: createAccessTokenIssuer({ privateKeyPem: p.secrets.jwtPrivateKeyPem }), publicOrigin: p.url });
    case 'customer-success':
      return customerSuccessSubgraph({ db, live });
    case 'billing':
      return billingSubgraph({ db, live, logger, runIntervalMs: 0 });
    case 'analytics':
      return analyticsSubgraph({ db, live, logger, usagePublishIntervalMs: 0 });
  }
}

/** Serves one of the platform's subgraphs over HTTP from this process. */
export async function serveInProcess(p: TestPlatform, name: SubgraphName): Promise<SubgraphServer> {
  const port = await freePort();
  let app: Awaited<ReturnType<typeof listenSubgraph>>['app'] | null = null;
  const server: SubgraphServer = {
    url: `http://127.0.0.1:${port}/graphql`,
    async start() {
      const runtime = await startSubgraphRuntime(definition(p, name), { internalSecret: p.secrets.internalSecret, logger });
      ({ app } = await listenSubgraph(runtime, { port, logger }));
    },
    async stop() {
      const closing = app?.close();
      app?.server.closeAllConnections();
      await closing;
      app = null;
    },
  };
  await server.start();
  return server;
}

/** Billing as its own process on the platform's PostgreSQL database; `stop` kills it (SIGKILL), `start` runs it again on the same port. */
export async function billingProcess(p: TestPlatform): Promise<SubgraphServer> {
  if (!p.databaseUrl) throw new Error('a subgraph process needs PostgreSQL (DATABASE_URL)');
  const port = await freePort();
  let child: ChildProcess | null = null;
  const server: SubgraphServer = {
    url: `http://127.0.0.1:${port}/graphql`,
    async start() {
      const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', INTERNAL_SECRET: p.secrets.internalSecret, DATABASE_URL: p.databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'warn', BILLING_RUN_INTERVAL_SECONDS: '0' };
      // Its own process group, so the kill reaches pnpm, tsx and node at once.
      const started = spawn('pnpm', ['--filter', '@platform/billing', 'start'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      let stderr = '';
      started.stderr?.on('data', (chunk) => {
        stderr = (stderr + chunk).slice(-4_000);
      });
      const ready = await waitFor(
        () => (started.exitCode !== null ? Promise.resolve(false) : fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false)),
        (ok) => ok || started.exitCode !== null,
        60_000,
      );
      if (!ready) throw new Error(`the billing process did not become ready (exit ${started.exitCode}): ${stderr}`);
    },
    async stop() {
      const running = child;
      child = null;
      if (!running?.pid || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      process.kill(-running.pid, 'SIGKILL');
      await exited;
    },
  };
  await server.start();
  return server;
}

/** A gateway in distributed mode in front of the given subgraph URLs, trusting the platform's tokens. */
export async function distributedGateway(p: TestPlatform, urls: Record<SubgraphName, string>, env: Record<string, string> = {}) {
  const settings = loadGatewaySettings([], {
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL,
    GATEWAY_MODE: 'distributed',
    SUBGRAPH_TENANCY_URL: urls.tenancy,
    SUBGRAPH_CUSTOMER_SUCCESS_URL: urls['customer-success'],
    SUBGRAPH_BILLING_URL: urls.billing,
    SUBGRAPH_ANALYTICS_URL: urls.analytics,
    ...env,
  });
  const gateway = await startPlatform(settings, { logger: createLogger('test', LOG_LEVEL), secrets: p.secrets, quota: false });
  return {
    url: gateway.url,
    async gql<T = Record<string, unknown>>(query: string, token: string): Promise<GraphQLResult<T>> {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
    },
    async ready(): Promise<{ status: number; body: ReadyBody }> {
      const response = await fetch(`${gateway.url}/ready`);
      return { status: response.status, body: (await response.json()) as ReadyBody };
    },
    close: () => gateway.close(),
  };
}

export interface ReadyBody {
  status: string;
  checks: { name: string; ok: boolean; reason?: string; breaker?: string; lastFailure?: { reason: string } | null }[];
}

/** Forwards every request to `target` after `delayMs`: a subgraph that got slow. */
export async function delayingProxy(target: string, delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return; // the caller gave up
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
    try {
      const answer = await fetch(new URL(req.url ?? '/', target), { method: req.method, headers, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
