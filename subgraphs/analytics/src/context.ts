/** Per-request context of the analytics subgraph: identity plus the services. */
import type { BaseContext } from '@platform/core';
import type { AnalyticsServices } from './services/index.js';

export interface AnalyticsContext extends BaseContext {
  services: AnalyticsServices;
}

export function createAnalyticsContext(base: BaseContext, services: AnalyticsServices): AnalyticsContext {
  return { ...base, services };
}
