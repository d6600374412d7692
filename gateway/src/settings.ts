/**
 * Gateway settings from environment variables, overridable by command-line
 * flags (`--port 4000 --mode embedded --supergraph schema/supergraph.graphql
 * --data-dir .data`). Parsed once; a bad value stops start-up naming it.
 */
import { parseArgs } from 'node:util';
import { booleanish, commonEnv, parseEnv } from '@platform/core';
import { z } from 'zod';

export const gatewayEnv = {
  ...commonEnv,
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  GATEWAY_MODE: z.enum(['embedded', 'distributed']).default('embedded'),
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
