/** The customer-success subgraph: customers, health scores, churn risk, onboarding, playbooks, NPS and CSM portfolios. */
import type { SubgraphDefinition } from '@platform/core';
import { sql } from 'drizzle-orm';
import { type CustomerSuccessContext, createCustomerSuccessContext } from './context.js';
import { createEventConsumer } from './events/consumer.js';
import { customerSuccessSchema } from './schema/index.js';
import { type CustomerSuccessDeps, createCustomerSuccessServices } from './services/index.js';

export { CONSUMED_EVENT_TYPES, CONSUMER_NAME, createEventConsumer, handleInputEvent } from './events/consumer.js';
export { EVENT_SOURCE } from './events/emit.js';
export type { CustomerSuccessDeps, CustomerSuccessServices } from './services/index.js';

/** What a caller must give; the clock defaults to the system's (tests pass their own). */
export type CustomerSuccessOptions = Pick<CustomerSuccessDeps, 'db' | 'live'> & Partial<CustomerSuccessDeps>;

export function customerSuccessSubgraph(options: CustomerSuccessOptions): SubgraphDefinition<CustomerSuccessContext> {
  const deps: CustomerSuccessDeps = { now: () => new Date(), ...options };
  const services = createCustomerSuccessServices(deps);
  return {
    name: 'customer-success',
    schema: customerSuccessSchema,
    createContext: (base) => createCustomerSuccessContext(base, services),
    ready: async () => {
      await deps.db.execute(sql`select 1`);
    },
    consumers: [createEventConsumer(services.health)],
  };
}
