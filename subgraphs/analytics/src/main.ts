/** Distributed mode: the analytics subgraph as its own process (`pnpm --filter @platform/analytics start`); it also serves the SDK batch endpoint. */
import { parseEnv, runSubgraphProcess } from '@platform/core';
import { z } from 'zod';
import { analyticsSubgraph, DEFAULT_USAGE_PUBLISH_INTERVAL_MS, EVENT_SOURCE } from './index.js';

const env = parseEnv({ ANALYTICS_USAGE_INTERVAL_SECONDS: z.coerce.number().min(0).default(DEFAULT_USAGE_PUBLISH_INTERVAL_MS / 1000) });

await runSubgraphProcess({
  name: 'analytics',
  defaultPort: 4104,
  eventSource: EVENT_SOURCE,
  create: ({ db, live, logger }) => analyticsSubgraph({ db, live, logger, usagePublishIntervalMs: env.ANALYTICS_USAGE_INTERVAL_SECONDS * 1000 }),
});
