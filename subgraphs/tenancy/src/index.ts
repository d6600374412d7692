/** The tenancy subgraph: tenants, members, identity, limits and white-label settings. */
import type { SubgraphDefinition } from '@platform/core';
import { sql } from 'drizzle-orm';
import { createTenancyContext, type TenancyContext } from './context.js';
import { tenancySchema } from './schema/index.js';
import { systemTxtResolver } from './services/domains/domain-verification.js';
import { createTenancyServices, type TenancyDeps } from './services/index.js';

export { TIERS, TIER_NAMES } from './tiers.js';
export type { TenancyDeps } from './services/index.js';

/** What a caller must give; the rest has the platform's defaults (tests override the clock and DNS). */
export type TenancyOptions = Pick<TenancyDeps, 'db' | 'tokens' | 'publicOrigin'> & Partial<TenancyDeps>;

export function tenancySubgraph(options: TenancyOptions): SubgraphDefinition<TenancyContext> {
  const deps: TenancyDeps = { now: () => new Date(), txtResolver: systemTxtResolver, refreshTokenTtlDays: 30, invitationTtlDays: 7, ...options };
  const services = createTenancyServices(deps);
  return {
    name: 'tenancy',
    schema: tenancySchema,
    createContext: (base) => createTenancyContext(base, services),
    ready: async () => {
      await deps.db.execute(sql`select 1`);
    },
  };
}
