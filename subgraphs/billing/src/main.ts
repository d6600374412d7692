/** Distributed mode: the billing subgraph as its own process (`pnpm --filter @platform/billing start`); it also serves the payment webhooks and runs the scheduled billing run. */
import { parseEnv, runSubgraphProcess } from '@platform/core';
import { z } from 'zod';
import { billingSubgraph, EVENT_SOURCE } from './index.js';

const env = parseEnv({ BILLING_RUN_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300) });

await runSubgraphProcess({
  name: 'billing',
  defaultPort: 4103,
  eventSource: EVENT_SOURCE,
  create: ({ db, live, logger }) => billingSubgraph({ db, live, logger, runIntervalMs: env.BILLING_RUN_INTERVAL_SECONDS * 1000 }),
});
