/**
 * Starting what the benchmark measures, all on the benchmark's database with
 * the same secrets: the four subgraphs as their own processes (their
 * `src/main.ts`, as `pnpm --filter @platform/<name> start` runs them), our
 * gateway embedded (`gateway/src/main.ts`, subgraphs in process) or
 * distributed (the same entry point calling the subgraph processes), and the
 * stock @apollo/gateway (stock-gateway.ts) calling the same subgraph processes.
 */
import type { Secrets } from '@platform/gateway/platform';
import { profileFlags } from './cpu-profiles.js';
import { answersGraphql, freePort, readyEndpoint, type ServerProcess, startServer } from './processes.js';
import type { Target } from './report.js';

export const SUBGRAPHS = ['tenancy', 'customer-success', 'billing', 'analytics'] as const;
export type Subgraphs = Record<(typeof SUBGRAPHS)[number], ServerProcess>;

export interface ServerContext {
  databaseUrl: string;
  secrets: Secrets;
  /** Added to (or overriding) our gateway's settings, e.g. its limits (--gateway-env). */
  ourGatewayEnv: Record<string, string>;
  /** Write V8 CPU profiles of the gateways here (one subdirectory per gateway). */
  cpuProfileDir: string | undefined;
  log: (line: string) => void;
}

/** Every server process gets these; the scheduled billing run and usage publishing are off so nothing but the load runs. */
function commonEnv(ctx: ServerContext): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: ctx.databaseUrl,
    INTERNAL_SECRET: ctx.secrets.internalSecret,
    JWT_PRIVATE_KEY: ctx.secrets.jwtPrivateKeyPem,
    JWT_PUBLIC_KEY: ctx.secrets.jwtPublicKeyPem,
    PUBLIC_ORIGIN: 'http://localhost:4000',
    BILLING_RUN_INTERVAL_SECONDS: '0',
    ANALYTICS_USAGE_INTERVAL_SECONDS: '0',
  };
}

/** Started together; each migrates the database under an advisory lock, so the order does not matter. */
export async function startSubgraphs(ctx: ServerContext): Promise<Subgraphs> {
  const started = await Promise.all(
    SUBGRAPHS.map(async (name) =>
      startServer({ name, script: `subgraphs/${name}/src/main.ts`, port: await freePort(), env: commonEnv(ctx), isReady: readyEndpoint, log: ctx.log }),
    ),
  );
  return Object.fromEntries(started.map((s) => [s.name, s])) as Subgraphs;
}

const subgraphUrl = (s: ServerProcess) => `${s.url}/graphql`;

export async function startGateway(target: Exclude<Target, 'direct'>, ctx: ServerContext, subgraphs: Subgraphs | null): Promise<ServerProcess> {
  const nodeFlags = ctx.cpuProfileDir ? profileFlags(ctx.cpuProfileDir, target) : [];
  const port = await freePort();
  if (target === 'ours-embedded') {
    const env = { ...commonEnv(ctx), GATEWAY_MODE: 'embedded', ...ctx.ourGatewayEnv };
    return startServer({ name: target, script: 'gateway/src/main.ts', port, env, nodeFlags, isReady: readyEndpoint, log: ctx.log });
  }
  if (!subgraphs) throw new Error(`${target} needs the subgraph processes`);
  if (target === 'ours-distributed') {
    const env = {
      ...commonEnv(ctx),
      GATEWAY_MODE: 'distributed',
      SUBGRAPH_TENANCY_URL: subgraphUrl(subgraphs.tenancy),
      SUBGRAPH_CUSTOMER_SUCCESS_URL: subgraphUrl(subgraphs['customer-success']),
      SUBGRAPH_BILLING_URL: subgraphUrl(subgraphs.billing),
      SUBGRAPH_ANALYTICS_URL: subgraphUrl(subgraphs.analytics),
      ...ctx.ourGatewayEnv,
    };
    return startServer({ name: target, script: 'gateway/src/main.ts', port, env, nodeFlags, isReady: readyEndpoint, log: ctx.log });
  }
  const env = {
    ...commonEnv(ctx),
    SUPERGRAPH_PATH: 'schema/supergraph.graphql',
    SUBGRAPH_URLS: JSON.stringify(Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrl(subgraphs[name])]))),
  };
  return startServer({ name: target, script: 'bench/gateway/stock-gateway.ts', port, env, nodeFlags, isReady: answersGraphql, log: ctx.log });
}
