/** Per-request context of the customer-success subgraph: identity plus services and fresh DataLoaders. */
import type { BaseContext } from '@platform/core';
import { type CustomerSuccessLoaders, createLoaders } from './loaders/index.js';
import type { CustomerSuccessServices } from './services/index.js';

export interface CustomerSuccessContext extends BaseContext {
  services: CustomerSuccessServices;
  loaders: CustomerSuccessLoaders;
}

export function createCustomerSuccessContext(base: BaseContext, services: CustomerSuccessServices): CustomerSuccessContext {
  return { ...base, services, loaders: createLoaders(services.deps, base.identity) };
}
