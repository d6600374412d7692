/** Distributed mode: the tenancy subgraph as its own process (`pnpm --filter @platform/tenancy start`). */
import { commonEnv, createAccessTokenIssuer, createLogger, listenSubgraph, parseEnv, startSubgraphRuntime } from '@platform/core';
import { openDatabase } from '@platform/db';
import { z } from 'zod';
import { tenancySubgraph } from './index.js';

const env = parseEnv({
  ...commonEnv,
  PORT: z.coerce.number().int().min(0).max(65_535).default(4101),
  HOST: z.string().default('127.0.0.1'),
  INTERNAL_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWT_PRIVATE_KEY: z.string().min(1, 'is required (Ed25519 PKCS8 PEM)'),
  PUBLIC_ORIGIN: z.string().url().default('http://localhost:4000'),
});
const logger = createLogger('tenancy', env.LOG_LEVEL);
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, appDatabaseUrl: env.APP_DATABASE_URL, dataDir: env.DATABASE_URL ? undefined : `${env.DATA_DIR}/pglite-tenancy` });
const runtime = await startSubgraphRuntime(
  tenancySubgraph({
    db: database.db,
    tokens: createAccessTokenIssuer({ privateKeyPem: env.JWT_PRIVATE_KEY }),
    publicOrigin: env.PUBLIC_ORIGIN,
  }),
  { internalSecret: env.INTERNAL_SECRET, logger },
);
const { app, url } = await listenSubgraph(runtime, { port: env.PORT, host: env.HOST, logger });
logger.info({ url }, 'tenancy subgraph listening');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await app.close();
    await database.close();
    process.exit(0);
  });
}
