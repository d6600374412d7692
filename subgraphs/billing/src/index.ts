/** The billing subgraph: catalogue, subscriptions, metered usage, invoices, payments, revenue metrics and platform costs. */
import type { SubgraphDefinition } from '@platform/core';
import { sql } from 'drizzle-orm';
import { type BillingContext, createBillingContext } from './context.js';
import { createEventConsumer } from './events/consumer.js';
import { webhookRoute } from './http/webhook-route.js';
import { billingSchema } from './schema/index.js';
import { type BillingDeps, createBillingServices } from './services/index.js';
import { sandboxPaymentProvider } from './services/payment-provider.js';

export { CONSUMED_EVENT_TYPES, CONSUMER_NAME } from './events/consumer.js';
export { EVENT_SOURCE } from './events/emit.js';
export type { BillingDeps, BillingServices } from './services/index.js';
export { type PaymentProvider, sandboxPaymentProvider } from './services/payment-provider.js';

/**
 * What a caller must give; the clock defaults to the system's and the provider
 * to the sandbox. `runIntervalMs` schedules the billing run for every tenant
 * with work due (0 or absent: only the `runBilling` mutation runs it).
 */
export type BillingOptions = Pick<BillingDeps, 'db' | 'live'> & Partial<BillingDeps> & { runIntervalMs?: number };

export function billingSubgraph(options: BillingOptions): SubgraphDefinition<BillingContext> & { services: ReturnType<typeof createBillingServices> } {
  const { runIntervalMs = 0, ...given } = options;
  const deps: BillingDeps = { now: () => new Date(), paymentProvider: sandboxPaymentProvider(), ...given };
  const services = createBillingServices(deps);
  return {
    name: 'billing',
    schema: billingSchema,
    createContext: (base) => createBillingContext(base, services),
    ready: async () => {
      await deps.db.execute(sql`select 1`);
    },
    consumers: [createEventConsumer()],
    routes: [webhookRoute(services.payments, { logger: deps.logger })],
    tasks: [
      {
        name: 'billing-run',
        intervalMs: runIntervalMs,
        run: async () => {
          const results = await services.billingRun.runDue();
          for (const [tenantId, result] of results) deps.logger?.info({ tenantId, ...result }, 'billing run');
        },
      },
    ],
    services,
  };
}
