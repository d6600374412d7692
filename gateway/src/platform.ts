/**
 * Starts the platform. Embedded mode: database (PGlite unless DATABASE_URL),
 * every subgraph and the gateway in this one process. Distributed mode: only
 * the gateway, reaching subgraphs over HTTP at their URLs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EVENT_SOURCE as ANALYTICS_SOURCE, analyticsSubgraph } from '@platform/analytics';
import { EVENT_SOURCE as BILLING_SOURCE, billingSubgraph } from '@platform/billing';
import {
  type BaseContext,
  createAccessTokenIssuer,
  createAccessTokenVerifier,
  createLiveEventHub,
  createLogger,
  EnvError,
  type EventBus,
  generateSigningKeys,
  type LiveEventHub,
  type Logger,
  loadOrCreateDevSecrets,
  type RunningTasks,
  type SubgraphDefinition,
  type SubgraphRuntime,
  startEventBus,
  startPeriodicTasks,
  startSubgraphRuntime,
} from '@platform/core';
import { EVENT_SOURCE as CUSTOMER_SUCCESS_SOURCE, customerSuccessSubgraph } from '@platform/customer-success';
import { type DatabaseHandle, openDatabase, type StatementObserver } from '@platform/db';
import { tenancySubgraph } from '@platform/tenancy';
import type { TxtResolver } from '@platform/tenancy/services/domains/domain-verification';
import type { FastifyInstance } from 'fastify';
import { ApiQuota } from './api-quota.js';
import { createGatewayServer } from './gateway-server.js';
import { createAuthenticator } from './identity.js';
import { openRateLimiter } from './rate-limit/index.js';
import { guardWith } from './resilience/policy.js';
import type { GatewaySettings } from './settings.js';
import { httpTransport, inProcessTransport, type SubgraphTransport } from './subgraph-transport.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface PlatformOverrides {
  logger?: Logger;
  /** Fixed clock for tests (trial expiry, token expiry). */
  now?: () => Date;
  txtResolver?: TxtResolver;
  /** Secrets for tests; otherwise from env (production) or the data dir (development). */
  secrets?: Secrets;
  /** Turn API-call quota enforcement off (benchmarks of other limits). */
  quota?: boolean;
  /** Runs once the database is migrated, before subgraphs and the event bus start (tests create producer outboxes here). */
  prepareDatabase?: (database: DatabaseHandle) => Promise<void>;
  /** Further outbox schemas to relay: producers that are not subgraphs of this build (tests, benchmarks). */
  extraEventSources?: string[];
  /** Told every SQL statement sent (embedded mode), for tests that count them (@platform/db statement-counter.ts). */
  onStatement?: StatementObserver;
}

export interface Secrets {
  internalSecret: string;
  jwtPrivateKeyPem: string;
  jwtPublicKeyPem: string;
}

export interface RunningPlatform {
  url: string;
  app: FastifyInstance;
  database: DatabaseHandle | null;
  /** Live fan-out of committed events in this process (embedded mode). */
  live: LiveEventHub;
  close(): Promise<void>;
}

export async function startPlatform(settings: GatewaySettings, overrides: PlatformOverrides = {}): Promise<RunningPlatform> {
  const logger = overrides.logger ?? createLogger('gateway', settings.LOG_LEVEL);
  const secrets = overrides.secrets ?? (await resolveSecrets(settings));
  const supergraphSdl = await readFile(path.resolve(REPO_ROOT, settings.SUPERGRAPH_PATH), 'utf8');
  if (settings.NODE_ENV === 'production' && !settings.PUBLIC_ORIGIN) throw new EnvError('PUBLIC_ORIGIN is required in production (invitation links and embed code use it)');
  const publicOrigin = settings.PUBLIC_ORIGIN ?? `http://localhost:${settings.PORT}`;

  let database: DatabaseHandle | null = null;
  let bus: EventBus | null = null;
  let tasks: RunningTasks | null = null;
  const live = createLiveEventHub();
  const runtimes: SubgraphRuntime[] = [];
  const transports = new Map<string, SubgraphTransport>();
  // Every subgraph call, in process or over HTTP, gets its timeout and circuit breaker (docs/resilience.md).
  const guard = guardWith(settings, logger);

  if (settings.GATEWAY_MODE === 'embedded') {
    database = await openDatabase({
      databaseUrl: settings.DATABASE_URL,
      appDatabaseUrl: settings.APP_DATABASE_URL,
      dataDir: settings.DATABASE_URL ? undefined : settings.DATA_DIR === 'memory://' ? 'memory://' : path.resolve(REPO_ROOT, settings.DATA_DIR, 'pglite'),
      onStatement: overrides.onStatement,
    });
    await overrides.prepareDatabase?.(database);
    const clock = overrides.now ? { now: overrides.now } : {};
    const definitions: SubgraphDefinition<BaseContext>[] = [
      tenancySubgraph({
        db: database.db,
        tokens: createAccessTokenIssuer({ privateKeyPem: secrets.jwtPrivateKeyPem }),
        publicOrigin,
        ...clock,
        ...(overrides.txtResolver ? { txtResolver: overrides.txtResolver } : {}),
      }),
      customerSuccessSubgraph({ db: database.db, live, ...clock }),
      billingSubgraph({ db: database.db, live, logger, runIntervalMs: settings.BILLING_RUN_INTERVAL_SECONDS * 1000, ...clock }),
      analyticsSubgraph({ db: database.db, live, logger, usagePublishIntervalMs: settings.ANALYTICS_USAGE_INTERVAL_SECONDS * 1000, ...clock }),
    ];
    for (const definition of definitions) {
      const runtime = await startSubgraphRuntime(definition, { internalSecret: secrets.internalSecret, logger });
      runtimes.push(runtime);
      transports.set(runtime.name, guard(inProcessTransport(runtime, secrets.internalSecret)));
    }
    bus = await startEventBus({
      database,
      logger,
      relaySources: ['tenancy', CUSTOMER_SUCCESS_SOURCE, BILLING_SOURCE, ANALYTICS_SOURCE, ...(overrides.extraEventSources ?? [])],
      consumers: definitions.flatMap((d) => d.consumers ?? []),
      live: { hub: live, sources: [CUSTOMER_SUCCESS_SOURCE, BILLING_SOURCE] },
    });
    tasks = startPeriodicTasks(definitions.flatMap((d) => d.tasks ?? []), logger);
  } else {
    const urls = {
      tenancy: settings.SUBGRAPH_TENANCY_URL,
      'customer-success': settings.SUBGRAPH_CUSTOMER_SUCCESS_URL,
      billing: settings.SUBGRAPH_BILLING_URL,
      analytics: settings.SUBGRAPH_ANALYTICS_URL,
    };
    for (const [name, url] of Object.entries(urls)) {
      if (!url) throw new EnvError(`SUBGRAPH_${name.toUpperCase().replace('-', '_')}_URL is required in distributed mode`);
      transports.set(name, guard(httpTransport(name, url, secrets.internalSecret)));
    }
  }

  const quotaEnabled = overrides.quota ?? true;
  const rateLimiter = await openRateLimiter({ databaseUrl: settings.DATABASE_URL, appDatabaseUrl: settings.APP_DATABASE_URL, embedded: database, logger });
  const app = await createGatewayServer({
    supergraphSdl,
    // Embedded mode serves the subgraphs' own HTTP routes (billing's payment webhooks, analytics' SDK batch endpoint); in distributed mode each subgraph serves them.
    routes: runtimes.flatMap((r) => r.routes),
    transports,
    authenticate: createAuthenticator(createAccessTokenVerifier({ publicKeyPem: secrets.jwtPublicKeyPem })),
    // Always present: it also tells the gateway each tenant's tier; `enforce` switches the monthly API-call quota.
    quota: new ApiQuota(transports.get('tenancy')!, logger, { snapshotTtlMs: 5_000, flushIntervalMs: 1_000, enforce: quotaEnabled }),
    logger,
    introspection: settings.INTROSPECTION ?? settings.NODE_ENV !== 'production',
    bodyLimitBytes: settings.BODY_LIMIT_BYTES,
    tierPolicies: settings.GATEWAY_TIER_POLICIES,
    rateLimiter,
    readyChecks: database ? [{ name: 'database', check: () => database!.ping() }] : [],
  });
  const address = await app.listen({ port: settings.PORT, host: settings.HOST });
  const url = address.replace('[::1]', 'localhost');
  return {
    url,
    app,
    database,
    live,
    async close() {
      await app.close();
      await tasks?.stop();
      await bus?.stop();
      live.close();
      for (const runtime of runtimes) await runtime.stop();
      await database?.close();
    },
  };
}

/**
 * Production requires real secrets from the environment; development generates
 * them once and keeps them in the data directory so sessions survive restarts.
 */
export async function resolveSecrets(settings: GatewaySettings): Promise<Secrets> {
  const { INTERNAL_SECRET, JWT_PRIVATE_KEY, JWT_PUBLIC_KEY } = settings;
  if (INTERNAL_SECRET && JWT_PUBLIC_KEY && (JWT_PRIVATE_KEY || settings.GATEWAY_MODE === 'distributed')) {
    return { internalSecret: INTERNAL_SECRET, jwtPrivateKeyPem: JWT_PRIVATE_KEY ?? '', jwtPublicKeyPem: JWT_PUBLIC_KEY };
  }
  if (settings.NODE_ENV === 'production') {
    const missing = ['INTERNAL_SECRET', 'JWT_PUBLIC_KEY', ...(settings.GATEWAY_MODE === 'embedded' ? ['JWT_PRIVATE_KEY'] : [])].filter(
      (name) => !settings[name as keyof GatewaySettings],
    );
    throw new EnvError(`Refusing to start in production without real secrets: set ${missing.join(', ')} (see README, "Environment")`);
  }
  return loadOrCreateDevSecrets(path.resolve(REPO_ROOT, settings.DATA_DIR));
}

export async function testSecrets(): Promise<Secrets> {
  const keys = await generateSigningKeys();
  return { internalSecret: crypto.randomUUID() + crypto.randomUUID(), jwtPrivateKeyPem: keys.privateKeyPem, jwtPublicKeyPem: keys.publicKeyPem };
}
