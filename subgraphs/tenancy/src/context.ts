/** Per-request context of the tenancy subgraph: identity plus services and fresh DataLoaders. */
import type { BaseContext } from '@platform/core';
import { createLoaders, type TenancyLoaders } from './loaders/index.js';
import type { TenancyServices } from './services/index.js';

export interface TenancyContext extends BaseContext {
  services: TenancyServices;
  loaders: TenancyLoaders;
}

export function createTenancyContext(base: BaseContext, services: TenancyServices): TenancyContext {
  return { ...base, services, loaders: createLoaders(services.deps, base.identity) };
}
