/**
 * Starts the platform. Embedded mode: database (PGlite unless DATABASE_URL),
 * every subgraph and the gateway in this one process. Distributed mode: only
 * the gateway, reaching subgraphs over HTTP at their URLs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createAccessTokenIssuer,
  createAccessTokenVerifier,
  createLogger,
  EnvError,
  generateSigningKeys,
  loadOrCreateDevSecrets,
  type Logger,
  type SubgraphRuntime,
  startSubgraphRuntime,
} from '@platform/core';
import { type DatabaseHandle, openDatabase } from '@platform/db';
import { tenancySubgraph } from '@platform/tenancy';
import type { TxtResolver } from '@platform/tenancy/services/domains/domain-verification';
import type { FastifyInstance } from 'fastify';
import { ApiQuota } from './api-quota.js';
import { createGatewayServer } from './gateway-server.js';
import { createAuthenticator } from './identity.js';
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
  close(): Promise<void>;
}

export async function startPlatform(settings: GatewaySettings, overrides: PlatformOverrides = {}): Promise<RunningPlatform> {
  const logger = overrides.logger ?? createLogger('gateway', settings.LOG_LEVEL);
  const secrets = overrides.secrets ?? (await resolveSecrets(settings));
  const supergraphSdl = await readFile(path.resolve(REPO_ROOT, settings.SUPERGRAPH_PATH), 'utf8');
  if (settings.NODE_ENV === 'production' && !settings.PUBLIC_ORIGIN) throw new EnvError('PUBLIC_ORIGIN is required in production (invitation links and embed code use it)');
  const publicOrigin = settings.PUBLIC_ORIGIN ?? `http://localhost:${settings.PORT}`;

  let database: DatabaseHandle | null = null;
  const runtimes: SubgraphRuntime[] = [];
  const transports = new Map<string, SubgraphTransport>();

  if (settings.GATEWAY_MODE === 'embedded') {
    database = await openDatabase({
      databaseUrl: settings.DATABASE_URL,
      appDatabaseUrl: settings.APP_DATABASE_URL,
      dataDir: settings.DATABASE_URL ? undefined : settings.DATA_DIR === 'memory://' ? 'memory://' : path.resolve(REPO_ROOT, settings.DATA_DIR, 'pglite'),
    });
    const tenancy = await startSubgraphRuntime(
      tenancySubgraph({
        db: database.db,
        tokens: createAccessTokenIssuer({ privateKeyPem: secrets.jwtPrivateKeyPem }),
        publicOrigin,
        ...(overrides.now ? { now: overrides.now } : {}),
        ...(overrides.txtResolver ? { txtResolver: overrides.txtResolver } : {}),
      }),
      { internalSecret: secrets.internalSecret, logger },
    );
    runtimes.push(tenancy);
    transports.set('tenancy', inProcessTransport(tenancy, secrets.internalSecret));
  } else {
    if (!settings.SUBGRAPH_TENANCY_URL) throw new EnvError('SUBGRAPH_TENANCY_URL is required in distributed mode');
    transports.set('tenancy', httpTransport('tenancy', settings.SUBGRAPH_TENANCY_URL, secrets.internalSecret));
  }

  const quotaEnabled = overrides.quota ?? true;
  const app = await createGatewayServer({
    supergraphSdl,
    transports,
    authenticate: createAuthenticator(createAccessTokenVerifier({ publicKeyPem: secrets.jwtPublicKeyPem })),
    quota: quotaEnabled ? new ApiQuota(transports.get('tenancy')!, logger) : null,
    logger,
    introspection: settings.INTROSPECTION ?? settings.NODE_ENV !== 'production',
    bodyLimitBytes: settings.BODY_LIMIT_BYTES,
    readyChecks: database ? [{ name: 'database', check: () => database!.ping() }] : [],
  });
  const address = await app.listen({ port: settings.PORT, host: settings.HOST });
  const url = address.replace('[::1]', 'localhost');
  return {
    url,
    app,
    database,
    async close() {
      await app.close();
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
