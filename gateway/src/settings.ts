/**
 * Gateway settings from environment variables, overridable by command-line
 * flags (`--port 4000 --mode embedded --supergraph schema/supergraph.graphql
 * --data-dir .data`). Parsed once; a bad value stops start-up naming it.
 */
import { parseArgs } from 'node:util';
import { booleanish, commonEnv, parseEnv } from '@platform/core';
import { z } from 'zod';
import { tierPoliciesSetting } from './protection/tier-policy-setting.js';
import { MAX_TIMEOUT_MS, timeoutOverrides } from './resilience/timeout-overrides.js';

export const gatewayEnv = {
  ...commonEnv,
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  GATEWAY_MODE: z.enum(['embedded', 'distributed']).default('embedded'),
  /** Gateway processes sharing the port (node:cluster, one per core is typical); more than 1 needs DATABASE_URL in embedded mode. */
  GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  SUPERGRAPH_PATH: z.string().default('schema/supergraph.graphql'),
  PUBLIC_ORIGIN: z.string().url().optional(),
  // 2 MiB: the largest valid branding update (images, templates, CSS) is about 1.05 MB.
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(2_097_152),
  INTROSPECTION: booleanish.optional(),
  /** Embedded mode: how often the billing run closes due periods for every tenant (0: never; run it with the runBilling mutation). */
  BILLING_RUN_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  ANALYTICS_USAGE_INTERVAL_SECONDS: z.coerce.number().min(0).max(86_400).default(30),
  SUBGRAPH_TENANCY_URL: z.string().url().optional(),
  SUBGRAPH_CUSTOMER_SUCCESS_URL: z.string().url().optional(),
  SUBGRAPH_BILLING_URL: z.string().url().optional(),
  SUBGRAPH_ANALYTICS_URL: z.string().url().optional(),
  /** Per-tier overrides of the operation limits and cost buckets, JSON: `{"FREE":{"bucket":{"capacity":500}}}` (docs/rate-limits.md). */
  GATEWAY_TIER_POLICIES: tierPoliciesSetting,
  // Graceful failure (docs/resilience.md): how long a subgraph call may take, and when its circuit breaker opens.
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(1).max(MAX_TIMEOUT_MS).default(10_000),
  /** Per-subgraph overrides of SUBGRAPH_TIMEOUT_MS: `analytics=30000,billing=5000`. */
  SUBGRAPH_TIMEOUTS_MS: timeoutOverrides.default({}),
  /** The breaker opens when more than this percentage of a subgraph's calls in the window failed… */
  SUBGRAPH_BREAKER_ERROR_PERCENT: z.coerce.number().min(1).max(100).default(50),
  /** …once the window holds at least this many calls. */
  SUBGRAPH_BREAKER_MIN_CALLS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  SUBGRAPH_BREAKER_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** How long an open breaker answers at once without calling, before one probe call goes through. */
  SUBGRAPH_BREAKER_RESET_MS: z.coerce.number().int().min(50).max(3_600_000).default(5_000),
};

export type GatewaySettings = ReturnType<typeof loadGatewaySettings>;

export function loadGatewaySettings(argv = process.argv.slice(2), env = process.env) {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, mode: { type: 'string' }, supergraph: { type: 'string' }, 'data-dir': { type: 'string' } },
    allowPositionals: false,
  });
  const merged = {
    ...env,
    ...(values.port ? { PORT: values.port } : {}),
    ...(values.host ? { HOST: values.host } : {}),
    ...(values.mode ? { GATEWAY_MODE: values.mode } : {}),
    ...(values.supergraph ? { SUPERGRAPH_PATH: values.supergraph } : {}),
    ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}),
  };
  return parseEnv(gatewayEnv, merged);
}
