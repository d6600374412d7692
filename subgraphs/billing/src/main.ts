/** Distributed mode: the billing subgraph as its own process (`pnpm --filter @platform/billing start`). */
import { mkdir } from 'node:fs/promises';
import { commonEnv, createLiveEventHub, createLogger, EVENT_ROUTES, listenSubgraph, parseEnv, startEventBus, startSubgraphRuntime } from '@platform/core';
import { openDatabase } from '@platform/db';
import { z } from 'zod';
import { billingSubgraph, EVENT_SOURCE } from './index.js';

const env = parseEnv({
  ...commonEnv,
  PORT: z.coerce.number().int().min(0).max(65_535).default(4103),
  HOST: z.string().default('127.0.0.1'),
  INTERNAL_SECRET: z.string().min(32, 'must be at least 32 characters'),
});
const logger = createLogger('billing', env.LOG_LEVEL);
if (!env.DATABASE_URL) await mkdir(env.DATA_DIR, { recursive: true });
const database = await openDatabase({
  databaseUrl: env.DATABASE_URL,
  appDatabaseUrl: env.APP_DATABASE_URL,
  dataDir: env.DATABASE_URL ? undefined : `${env.DATA_DIR}/pglite-billing`,
});
const live = createLiveEventHub();
const definition = billingSubgraph({ db: database.db, live, logger });
const runtime = await startSubgraphRuntime(definition, { internalSecret: env.INTERNAL_SECRET, logger });
// Distributed mode: the process relays billing's outbox (payment events reach
// customer-success through it), hosts billing's consumer of customer events
// and feeds invoice/subscription status subscriptions from its live hub.
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
logger.info({ url }, 'billing subgraph listening (payment webhooks at /billing/webhooks/stripe/:tenantId)');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await app.close();
    await bus.stop();
    live.close();
    await database.close();
    process.exit(0);
  });
}
