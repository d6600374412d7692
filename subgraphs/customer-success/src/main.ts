/** Distributed mode: the customer-success subgraph as its own process (`pnpm --filter @platform/customer-success start`). */
import { runSubgraphProcess } from '@platform/core';
import { customerSuccessSubgraph, EVENT_SOURCE } from './index.js';

await runSubgraphProcess({
  name: 'customer-success',
  defaultPort: 4102,
  eventSource: EVENT_SOURCE,
  create: ({ db, live }) => customerSuccessSubgraph({ db, live }),
});
