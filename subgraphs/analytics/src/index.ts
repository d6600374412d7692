/** The analytics subgraph: event ingestion, trends and KPIs, funnels, retention and LTV, attribution, experiments, anomalies and dashboards. */
import type { SubgraphDefinition } from '@platform/core';
import { sql } from 'drizzle-orm';
import { type AnalyticsContext, createAnalyticsContext } from './context.js';
import { createEventConsumer } from './events/consumer.js';
import { batchRoute } from './http/batch-route.js';
import { analyticsSchema } from './schema/index.js';
import { type AnalyticsDeps, createAnalyticsServices } from './services/index.js';

export { CONSUMED_EVENT_TYPES, CONSUMER_NAME } from './events/consumer.js';
export { EVENT_SOURCE } from './events/emit.js';
export type { AnalyticsDeps, AnalyticsServices } from './services/index.js';

/** Default period of the usage publisher. */
export const DEFAULT_USAGE_PUBLISH_INTERVAL_MS = 30_000;

/** What a caller must give; the clock defaults to the system's. */
export type AnalyticsOptions = Pick<AnalyticsDeps, 'db' | 'live'> & Partial<AnalyticsDeps>;

export function analyticsSubgraph(options: AnalyticsOptions): SubgraphDefinition<AnalyticsContext> & { services: ReturnType<typeof createAnalyticsServices> } {
  const deps: AnalyticsDeps = { now: () => new Date(), ...options };
  const services = createAnalyticsServices(deps);
  return {
    name: 'analytics',
    schema: analyticsSchema,
    createContext: (base) => createAnalyticsContext(base, services),
    ready: async () => {
      await deps.db.execute(sql`select 1`);
    },
    consumers: [createEventConsumer()],
    routes: [batchRoute(services.ingest, services.settings, { logger: deps.logger })],
    tasks: [
      {
        name: 'usage-publisher',
        intervalMs: deps.usagePublishIntervalMs ?? DEFAULT_USAGE_PUBLISH_INTERVAL_MS,
        run: () => services.usagePublisher.publishDue(),
      },
    ],
    services,
  };
}
