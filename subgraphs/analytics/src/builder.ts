/** The analytics subgraph's Pothos builder: configuration only (shared in @platform/core), no types. */
import { createSubgraphBuilder } from '@platform/core';
import type { AnalyticsContext } from './context.js';

export const { builder, errorInterface } = createSubgraphBuilder<AnalyticsContext, { JSONObject: { Input: Record<string, unknown>; Output: unknown } }>({
  authStrategy: 'all',
  subscriptions: false,
});
