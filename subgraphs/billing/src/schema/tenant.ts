/** Tenant: tenancy's entity, referenced here by id and extended with the tenant's platform costs (platform-cost.ts). */
import { builder } from '../builder.js';

export const TenantRef = builder.externalRef('Tenant', builder.selection<{ id: string }>('id')).implement({
  externalFields: (t) => ({ id: t.id() }),
});
