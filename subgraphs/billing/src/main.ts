/** Distributed mode: the billing subgraph as its own process (`pnpm --filter @platform/billing start`); it also serves the payment webhooks. */
import { runSubgraphProcess } from '@platform/core';
import { billingSubgraph, EVENT_SOURCE } from './index.js';

await runSubgraphProcess({
  name: 'billing',
  defaultPort: 4103,
  eventSource: EVENT_SOURCE,
  create: ({ db, live, logger }) => billingSubgraph({ db, live, logger }),
});
