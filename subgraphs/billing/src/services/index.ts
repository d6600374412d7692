/** The billing services, built once per process around their dependencies. */
import { BillingRunService } from './billing-run.service.js';
import { CatalogService } from './catalog.service.js';
import { CostService } from './cost.service.js';
import type { BillingDeps } from './deps.js';
import { InvoiceService } from './invoice.service.js';
import { PaymentService } from './payment.service.js';
import { RevenueService } from './revenue.service.js';
import { SettingsService } from './settings.service.js';
import { SubscriptionService } from './subscription.service.js';
import { UsageService } from './usage.service.js';

export type { BillingDeps } from './deps.js';

export function createBillingServices(deps: BillingDeps) {
  const payments = new PaymentService(deps);
  return {
    deps,
    settings: new SettingsService(deps),
    catalog: new CatalogService(deps),
    subscriptions: new SubscriptionService(deps),
    usage: new UsageService(deps),
    invoices: new InvoiceService(deps),
    payments,
    billingRun: new BillingRunService(deps, payments),
    revenue: new RevenueService(deps),
    costs: new CostService(deps),
  };
}
export type BillingServices = ReturnType<typeof createBillingServices>;
