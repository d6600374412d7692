/** The tenancy services, built once per process around their dependencies. */
import { AccountService } from './account.service.js';
import { BrandingService } from './branding.service.js';
import { ConfigurationService } from './configuration.service.js';
import type { TenancyDeps } from './deps.js';
import { DomainService } from './domain.service.js';
import { MemberService } from './member.service.js';
import { TenantService } from './tenant.service.js';
import { UsageService } from './usage.service.js';

export type { TenancyDeps } from './deps.js';

export function createTenancyServices(deps: TenancyDeps) {
  const accounts = new AccountService(deps);
  const usage = new UsageService(deps);
  return {
    deps,
    accounts,
    usage,
    tenants: new TenantService(deps, accounts.sessions, usage),
    members: new MemberService(deps, accounts.sessions, usage),
    configuration: new ConfigurationService(deps),
    branding: new BrandingService(deps, usage),
    domains: new DomainService(deps),
  };
}
export type TenancyServices = ReturnType<typeof createTenancyServices>;
