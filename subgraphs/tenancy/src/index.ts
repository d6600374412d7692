/** The tenancy subgraph: tenants, members, identity, limits and white-label settings. */
import type { SubgraphDefinition } from '@platform/core';
import { createTenancyContext, type TenancyContext } from './context.js';
import { tenancySchema } from './schema/index.js';
import { createTenancyServices, type TenancyDeps } from './services/index.js';

export { TIERS, TIER_NAMES } from './tiers.js';
export type { TenancyDeps } from './services/index.js';

export function tenancySubgraph(deps: TenancyDeps): SubgraphDefinition<TenancyContext> {
  const services = createTenancyServices(deps);
  return {
    name: 'tenancy',
    schema: tenancySchema,
    createContext: (base) => createTenancyContext(base, services),
    ready: async () => {
      await deps.db.execute('select 1' as never);
    },
  };
}
