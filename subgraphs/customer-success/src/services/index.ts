/** The customer-success services, built once per process around their dependencies. */
import { ChurnService } from './churn.service.js';
import { CustomerService } from './customer.service.js';
import type { CustomerSuccessDeps } from './deps.js';
import { HealthService } from './health.service.js';
import { JourneyService } from './journey.service.js';
import { NpsService } from './nps.service.js';
import { OnboardingService } from './onboarding.service.js';
import { PlaybookService } from './playbook.service.js';
import { PortfolioService } from './portfolio.service.js';
import { SupportService } from './support.service.js';

export type { CustomerSuccessDeps } from './deps.js';

export function createCustomerSuccessServices(deps: CustomerSuccessDeps) {
  const journey = new JourneyService();
  const churn = new ChurnService(deps);
  const playbooks = new PlaybookService(deps, journey);
  const health = new HealthService(deps, churn, playbooks, journey);
  return {
    deps,
    journey,
    churn,
    playbooks,
    health,
    customers: new CustomerService(deps, churn, playbooks, journey),
    support: new SupportService(deps, health, journey),
    nps: new NpsService(deps, health, journey),
    onboarding: new OnboardingService(deps, journey),
    portfolio: new PortfolioService(deps),
  };
}
export type CustomerSuccessServices = ReturnType<typeof createCustomerSuccessServices>;
