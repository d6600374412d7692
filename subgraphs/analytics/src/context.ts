/** Per-request context of the analytics subgraph: identity plus services and fresh DataLoaders. */
import type { BaseContext } from '@platform/core';
import { type AnalyticsLoaders, createLoaders } from './loaders/index.js';
import type { AnalyticsServices } from './services/index.js';

export interface AnalyticsContext extends BaseContext {
  services: AnalyticsServices;
  loaders: AnalyticsLoaders;
}

export function createAnalyticsContext(base: BaseContext, services: AnalyticsServices): AnalyticsContext {
  return { ...base, services, loaders: createLoaders(services.deps, base.identity) };
}
