/**
 * Distributed mode: one subgraph with domain events as its own process. It
 * opens the database (PGlite under DATA_DIR unless DATABASE_URL), serves the
 * subgraph over HTTP and graphql-ws, relays the subgraph's own outbox (replicas
 * share the work through FOR UPDATE SKIP LOCKED) for every consumer of the
 * platform (EVENT_ROUTES), runs the consumers it hosts, feeds its
 * subscriptions from a live hub, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { mkdir } from 'node:fs/promises';
import { type AppDatabase, type LiveEvents, openDatabase } from '@platform/db';
import { z } from 'zod';
import { commonEnv, parseEnv } from '../env.js';
import { startEventBus } from '../events/bus.js';
import { createLiveEventHub } from '../events/live.js';
import { EVENT_ROUTES } from '../events/routes.js';
import { createLogger, type Logger } from '../logger.js';
import type { BaseContext } from './context.js';
import { startPeriodicTasks } from './periodic-tasks.js';
import { listenSubgraph, type SubgraphDefinition, startSubgraphRuntime } from './subgraph-server.js';

export interface SubgraphProcessOptions {
  /** The subgraph's name (logger, PGlite directory). */
  name: string;
  defaultPort: number;
  /** The outbox schema this process relays and whose events feed its subscriptions. */
  eventSource: string;
  create(deps: { db: AppDatabase; live: LiveEvents; logger: Logger }): SubgraphDefinition<BaseContext>;
}

export async function runSubgraphProcess(options: SubgraphProcessOptions): Promise<void> {
  const env = parseEnv({
    ...commonEnv,
    PORT: z.coerce.number().int().min(0).max(65_535).default(options.defaultPort),
    HOST: z.string().default('127.0.0.1'),
    INTERNAL_SECRET: z.string().min(32, 'must be at least 32 characters'),
  });
  const logger = createLogger(options.name, env.LOG_LEVEL);
  if (!env.DATABASE_URL) await mkdir(env.DATA_DIR, { recursive: true });
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    appDatabaseUrl: env.APP_DATABASE_URL,
    dataDir: env.DATABASE_URL ? undefined : `${env.DATA_DIR}/pglite-${options.name}`,
  });
  const live = createLiveEventHub();
  const definition = options.create({ db: database.db, live, logger });
  const runtime = await startSubgraphRuntime(definition, { internalSecret: env.INTERNAL_SECRET, logger });
  const bus = await startEventBus({
    database,
    logger,
    relaySources: [options.eventSource],
    consumers: definition.consumers ?? [],
    // Enqueue for every consumer of the platform, not only this process's own.
    routes: EVENT_ROUTES,
    live: { hub: live, sources: [options.eventSource] },
  });
  const tasks = startPeriodicTasks(definition.tasks ?? [], logger);
  const { app, url } = await listenSubgraph(runtime, { port: env.PORT, host: env.HOST, logger });
  logger.info({ url, routes: runtime.routes.map((r) => `${r.method} ${r.path}`) }, `${options.name} subgraph listening`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      await app.close();
      await tasks.stop();
      await bus.stop();
      live.close();
      await database.close();
      process.exit(0);
    });
  }
}
