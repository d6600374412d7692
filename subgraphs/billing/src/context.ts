/** Per-request context of the billing subgraph: identity plus services and fresh DataLoaders. */
import type { BaseContext } from '@platform/core';
import { type BillingLoaders, createLoaders } from './loaders/index.js';
import type { BillingServices } from './services/index.js';

export interface BillingContext extends BaseContext {
  services: BillingServices;
  loaders: BillingLoaders;
}

export function createBillingContext(base: BaseContext, services: BillingServices): BillingContext {
  return { ...base, services, loaders: createLoaders(services.deps, base.identity) };
}
