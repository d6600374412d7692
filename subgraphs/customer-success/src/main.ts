/** Distributed mode: the customer-success subgraph as its own process (`pnpm --filter @platform/customer-success start`). */
import { mkdir } from 'node:fs/promises';
import { commonEnv, createLiveEventHub, createLogger, EVENT_ROUTES, listenSubgraph, parseEnv, startEventBus, startSubgraphRuntime } from '@platform/core';
import { openDatabase } from '@platform/db';
import { z } from 'zod';
import { customerSuccessSubgraph, EVENT_SOURCE } from './index.js';

const env = parseEnv({
  ...commonEnv,
  PORT: z.coerce.number().int().min(0).max(65_535).default(4102),
  HOST: z.string().default('127.0.0.1'),
  INTERNAL_SECRET: z.string().min(32, 'must be at least 32 characters'),
});
const logger = createLogger('customer-success', env.LOG_LEVEL);
if (!env.DATABASE_URL) await mkdir(env.DATA_DIR, { recursive: true });
const database = await openDatabase({
  databaseUrl: env.DATABASE_URL,
  appDatabaseUrl: env.APP_DATABASE_URL,
  dataDir: env.DATABASE_URL ? undefined : `${env.DATA_DIR}/pglite-customer-success`,
});
const live = createLiveEventHub();
const definition = customerSuccessSubgraph({ db: database.db, live });
const runtime = await startSubgraphRuntime(definition, { internalSecret: env.INTERNAL_SECRET, logger });
// Distributed mode: each subgraph process relays its own outbox (replicas share
// the work through FOR UPDATE SKIP LOCKED), hosts its own consumers (usage and
// payment events, once analytics and billing relay theirs) and feeds its own
// subscriptions from the live hub, which listenSubgraph serves over graphql-ws.
const bus = await startEventBus({
  database,
  logger,
  relaySources: [EVENT_SOURCE],
  consumers: definition.consumers ?? [],
  // Enqueue for every consumer of the platform, not only this process's own.
  routes: EVENT_ROUTES,
  live: { hub: live, sources: [EVENT_SOURCE] },
});
const { app, url } = await listenSubgraph(runtime, { port: env.PORT, host: env.HOST, logger });
logger.info({ url }, 'customer-success subgraph listening');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await app.close();
    await bus.stop();
    live.close();
    await database.close();
    process.exit(0);
  });
}
